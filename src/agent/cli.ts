/**
 * `agentry agent --server URL (--enroll-secret S | --claim) [--state-dir DIR] [--max-outbox N] [--log-level L]`:
 * enrolls (or runs the claim workflow) on first start, keeps the identity in the state dir, then runs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { EXIT_KEY_REJECTED, runAgent } from './agent.ts';
import { enrollWithClaim, enrollWithSecret } from './enroll.ts';
import { ensureStateDir, loadState, saveState } from './state.ts';

export const AGENT_USAGE = 'agentry agent --server <url> (--enroll-secret <secret> | --claim) [--state-dir <dir>] [--max-outbox <items>] [--max-outbox-bytes <bytes>] [--log-level <level>]';

export async function agentCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'enroll-secret': { type: 'string' },
      claim: { type: 'boolean', default: false },
      'state-dir': { type: 'string', default: process.env.AGENTRY_AGENT_STATE_DIR ?? './agentry-agent' },
      'max-outbox': { type: 'string', default: '100000' },
      // Bytes the outbox file may take (0: no cap but the disk's).
      'max-outbox-bytes': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
    },
  });
  const secret = values['enroll-secret'] ?? process.env.AGENTRY_ENROLL_SECRET;
  const stateDir = resolve(values['state-dir']);
  const maxOutbox = Number(values['max-outbox']);
  const maxOutboxBytes = Number(values['max-outbox-bytes']);
  if (!Number.isInteger(maxOutbox) || maxOutbox < 1) throw new Error(`--max-outbox must be a positive integer`);
  if (!Number.isInteger(maxOutboxBytes) || maxOutboxBytes < 0) throw new Error(`--max-outbox-bytes must be a non-negative integer`);
  const log = pino({ level: values['log-level'], base: { component: 'agent' } });
  ensureStateDir(stateDir);
  const stop = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => stop.abort());

  let state = loadState(stateDir);
  if (state && values.server && state.server !== values.server.replace(/\/+$/, '')) log.warn({ stateServer: state.server }, 'the state dir belongs to another server; using it');
  if (!state) {
    if (!values.server) throw new Error(`--server is required to enroll\nusage: ${AGENT_USAGE}`);
    if (!secret && !values.claim) throw new Error(`first start: give --enroll-secret or --claim\nusage: ${AGENT_USAGE}`);
    const server = values.server.replace(/\/+$/, '');
    state = secret ? await enrollWithSecret(server, secret, stateDir, log, stop.signal) : await enrollWithClaim(server, log, (line) => console.log(line), stop.signal);
    saveState(stateDir, state);
  }
  const code = await runAgent({ state, stateDir, maxOutboxItems: maxOutbox, maxOutboxBytes: maxOutboxBytes || undefined, log, signal: stop.signal });
  if (code === EXIT_KEY_REJECTED) console.error('agentry agent: the server rejected this agent key (revoked or deleted); not retrying');
  return code;
}
