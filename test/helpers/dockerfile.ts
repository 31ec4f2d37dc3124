/** A reader of the repository's Dockerfile and .dockerignore: instructions per stage, continuations joined. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './deploy-files.ts';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

export function dockerfileStages(path = resolve(repoRoot, 'Dockerfile')): { args: Record<string, string>; stages: Stage[] } {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, image = '', name = null] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ from: image.replace(/^\$\{(\w+)\}$/, (_, v: string) => args[v] ?? v), name, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: rest.replace(/\s+/g, ' ') });
    }
  }
  return { args, stages };
}

/** Values of every `ENV a=b c=d` of a stage. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions.filter((i) => i.keyword === 'ENV')) for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  return env;
}

/** The exec-form (JSON array) arguments of the stage's last `keyword` instruction, e.g. ENTRYPOINT. */
export function execForm(stage: Stage, keyword: string): string[] {
  const last = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (!last) throw new Error(`no ${keyword} in stage ${stage.name}`);
  const json = last.args.slice(last.args.indexOf('['));
  return JSON.parse(json) as string[];
}

/** The patterns of .dockerignore. */
export function dockerignore(): string[] {
  return readFileSync(resolve(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
