/**
 * `agentry sim --server URL (--token T | --enroll-secret S) --agents N --duration S [--rate R] [--sockets N] [--json FILE]`:
 * prints a live progress line and a summary table; exits 1 when any request failed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSimulation } from './run.ts';
import { summaryTable } from './stats.ts';

export const SIM_USAGE = 'agentry sim --server <url> (--token <operator token> | --enroll-secret <secret>) --agents <n> --duration <seconds> [--rate <compression>] [--sockets <n>] [--json <file>]';

function positive(name: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${raw}\nusage: ${SIM_USAGE}`);
  return n;
}

export async function simCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string', default: process.env.AGENTRY_TOKEN },
      'enroll-secret': { type: 'string' },
      agents: { type: 'string', default: '100' },
      duration: { type: 'string', default: '60' },
      // Real intervals divided by this: 10 makes a 300 s heartbeat every 30 s.
      rate: { type: 'string', default: '1' },
      sockets: { type: 'string', default: '256' },
      json: { type: 'string' },
    },
  });
  if (!values.server) throw new Error(`--server is required\nusage: ${SIM_USAGE}`);
  const tty = process.stderr.isTTY;
  let lines = 0;
  const result = await runSimulation({
    server: values.server,
    token: values.token,
    enrollSecret: values['enroll-secret'],
    agents: positive('agents', values.agents, true),
    durationSec: positive('duration', values.duration, false),
    rate: positive('rate', values.rate, false),
    maxSockets: positive('sockets', values.sockets, true),
    // On a terminal the line is redrawn in place; in a log, one line every 5 s.
    progress: (line) => {
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (lines++ % 5 === 0) process.stderr.write(`${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  console.log(`\n${result.agents} agents (${result.online} online at the end), ${result.durationSec} s, ${result.errors} errors, ${result.throttled} throttled\n`);
  console.log(`enrolment (${result.enrollSec.toFixed(1)} s):\n${summaryTable(result.enrolment)}\n\nsteady state (${result.durationSec} s):\n${summaryTable(result.kinds)}`);
  if (result.errorSamples.length > 0) console.log(`\nfirst errors:\n  ${result.errorSamples.join('\n  ')}`);
  if (result.throttled > 0) {
    console.log(
      `\nthe server answered ${result.throttled} requests with 429 or 503: each was sent again after its Retry-After, as agents do. Every simulated agent shares this machine's address, which the server's per-address rate limits (rateLimits.ipRatePerSec, rateLimits.unauthenticatedRatePerSec) count as one client: raise them to simulate a fleet at full rate.`,
    );
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.errors === 0 ? 0 : 1;
}
