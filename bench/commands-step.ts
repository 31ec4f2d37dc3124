/**
 * The `commands` scenario: runs bench/commands.ts (its own server, database and fleet, so that 10,000
 * parked polls measure the server's RSS with nothing else in it) with this run's dialect, NATS and agent
 * count, and reports its three figures: RSS with every agent parked in `GET …/commands?wait=60`, the
 * submit → poll-answer latency of one command to one parked agent, and a fan-out to all of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logTail, startNode } from './processes.ts';
import type { RunContext, RunStep } from './scenarios.ts';

const root = resolve(import.meta.dirname, '..');

export function commandsStep(ctx: RunContext): RunStep {
  return {
    name: 'commands',
    run: async () => {
      const logFile = join(ctx.tmpDir, 'commands-bench.log');
      const { db, nats, agents } = ctx.commandsBench;
      const child = startNode('commands-bench', ['bench/commands.ts', '--agents', String(agents), '--sends', '50', '--db', db, ...(nats ? ['--nats'] : [])], {
        cwd: root,
        env: process.env,
        logFile,
      });
      const code = await child.exited;
      const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n') : [];
      const notes = lines.filter((l) => /^(enrolled|\([abc]\)| {4}the server answered)/.test(l)).map((l) => `commands: ${l.trim()}`);
      for (const line of notes) console.log(line);
      const failure = code !== 0 || notes.length < 4 ? `commands: bench/commands.ts exited with ${code}:\n${logTail(logFile)}` : undefined;
      return { notes, failure };
    },
  };
}
