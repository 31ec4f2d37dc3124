/** The agent's identity (id and key) in `<state dir>/agent.json`, readable by its owner only (mode 0600). */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentState {
  server: string;
  agentId: string;
  apiKey: string;
  enrolledVia: 'secret' | 'claim';
  enrolledAt: string;
}

export function stateFile(dir: string): string {
  return join(dir, 'agent.json');
}

export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function loadState(dir: string): AgentState | null {
  const file = stateFile(dir);
  if (!existsSync(file)) return null;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object') throw new Error(`${file}: not an agent state`);
  const s = parsed as Partial<AgentState>; // checked field by field just below
  if (typeof s.agentId !== 'string' || typeof s.apiKey !== 'string' || typeof s.server !== 'string') throw new Error(`${file}: agentId, apiKey or server missing`);
  return { server: s.server, agentId: s.agentId, apiKey: s.apiKey, enrolledVia: s.enrolledVia === 'claim' ? 'claim' : 'secret', enrolledAt: s.enrolledAt ?? '' };
}

/** Written to a temporary file (0600 from its creation) and renamed, so a crash never leaves half a key. */
export function saveState(dir: string, state: AgentState): void {
  const file = stateFile(dir);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
