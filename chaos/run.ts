/**
 * `just chaos` / `npm run chaos`: the fault-injection suite (see suite.ts). Prints what happened and exits
 * non-zero when a target is missed: 0 lost, 0 duplicated, 0 × 500, every request answered, every process
 * alive, readiness back within 5 s of each dependency returning, live heap after a full GC and active
 * resources (timers, servers, requests; client keep-alive sockets are reported apart) within 10% (RSS is
 * reported; it counts against the target only when the heap grew too).
 *
 *   node chaos/run.ts [--short] [--agents N] [--faults nats-kill,pg-crash,pg-freeze] [--json FILE] [--keep-logs]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FAULTS, type FaultKind } from './faults.ts';
import { mb, runChaos, type ChaosResult } from './suite.ts';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    agents: { type: 'string', default: '16' },
    faults: { type: 'string', default: 'nats-kill,pg-crash,pg-freeze' },
    json: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
  },
});

const faults = values.faults.split(',').map((f) => f.trim()) as FaultKind[];
for (const f of faults) if (!(f in FAULTS)) throw new Error(`unknown fault ${f} (known: ${Object.keys(FAULTS).join(', ')})`);
const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const result = await runChaos({ short: values.short, agents: Number(values.agents), faults, log, keepLogs: values['keep-logs'] });
process.stdout.write(report(result));
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
process.exit(result.failures.length === 0 ? 0 : 1);

export function report(r: ChaosResult): string {
  const lines = [
    '',
    `chaos run: ${r.seconds} s`,
    `requests by answer: ${Object.entries(r.byStatus)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')} (slowest ${r.slowestMs} ms)`,
    `acknowledged samples: ${r.ackedSamples}; stored: ${r.storedSamples}; lost: ${r.lost}; duplicated: ${r.duplicated}`,
    `readiness back after: ${r.faults.map((f) => `${f.fault}/${f.serving}: ${f.readyAfterMs ?? '>30000'} ms`).join(', ')}`,
    ...(r.lost > 0 ? [`  lost samples were acknowledged at ${r.lostAckedAt.join(', ')} ms; faults at ${r.faults.map((f) => `${f.fault} ${f.atMs.join('–')}`).join(', ')} ms`] : []),
    `processes: ${Object.entries(r.survived)
      .map(([n, s]) => `${n} ${s}`)
      .join(', ')}`,
    ...r.processes.map(
      (p) =>
        `  ${p.instance}: RSS ${mb(p.before.rssBytes)} → ${mb(p.after.rssBytes)} MB, heap used ${mb(p.before.heapUsedBytes)} → ${mb(p.after.heapUsedBytes)} MB (after a full GC), active resources other than sockets ${p.before.handles} → ${p.after.handles}, sockets ${p.before.sockets} → ${p.after.sockets}`,
    ),
    `acknowledged messages left below the ack floor: ${r.processes.reduce((n, p) => n + (p.after.ackFloorPurged || 0), 0)} purged during the run; ${r.belowAckFloor} after the drain, gone ${r.purgedAfterMs === null ? 'NOT within 25 s' : `within ${r.purgedAfterMs} ms`}`,
    ...r.serverErrors.map((e) => `  5xx: ${e}`),
    r.failures.length === 0 ? 'PASS' : `FAIL: ${r.failures.join('; ')}`,
    '',
  ];
  return lines.join('\n');
}
