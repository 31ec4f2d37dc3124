/**
 * The check-result write alone, in process: `node bench/results-write.ts [--batches 2000] [--per-commit 4] [--db postgres] [--unreachable]`
 * (SQLite in a temp dir, or a throwaway Postgres cluster; Postgres time includes the server's own CPU, not counted here).
 * Writes Smotra-shaped ping batches (100 results, five endpoints, one agent each, fresh UUIDv7 ids; with
 * `--unreachable` every result failed, as when a target is down for the whole fleet) through
 * the ingest repository, `--per-commit` requests per transaction as the group commit does under load, and
 * prints the time per 100-result request (the cost the HTTP bench sees behind the event loop) and the
 * process CPU time per request (steadier than wall time on a busy machine).
 */
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './in-process-db.ts';
import { uuidv7 } from 'uuidv7';
import type { CheckResultRow } from '../src/domain/check-result.ts';
import type { IngestItem } from '../src/domain/ingest.ts';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '2000' },
    'per-commit': { type: 'string', default: '4' },
    agents: { type: 'string', default: '200' },
    db: { type: 'string', default: 'sqlite' },
    unreachable: { type: 'boolean', default: false },
  },
});
const batches = Number(args.batches);
const perCommit = Number(args['per-commit']);
const agentCount = Number(args.agents);

const { repos, tenantId, close } = await openBenchDatabase(args.db!, 'results-write');
const agents = Array.from({ length: agentCount }, () => uuidv7());
const endpoints = Array.from({ length: 5 }, () => uuidv7());
const t0 = Date.now() - 3_600_000;

function item(i: number): IngestItem {
  const agentId = agents[i % agentCount]!;
  const receivedAt = new Date();
  const results: CheckResultRow[] = [];
  for (let r = 0; r < 100; r++) {
    const latency = ((i * 7919 + r * 104729) % 20_000) / 100;
    results.push({
      id: uuidv7(),
      tenantId,
      agentId,
      endpointId: endpoints[r % 5]!,
      checkType: 'ping',
      ts: new Date(t0 + r * 10 + Math.floor(i / agentCount) * 1000),
      reachable: !args.unreachable,
      latencyMs: args.unreachable ? null : latency,
      result: args.unreachable
        ? { resolved_ip: '', successes: 0, failures: 1, success_latencies: [], error_details: { errors: ['Ping timeout'] } }
        : { resolved_ip: '192.0.2.1', successes: 1, failures: 0, success_latencies: [latency], error_details: null },
      receivedAt,
    });
  }
  return { tenantId, agentId, receivedAt, samples: [], inventory: null, results };
}

const diff = () => null;
const items = Array.from({ length: batches }, (_, i) => item(i));
// Warm-up: prepares statements and grows the file a little.
for (let i = 0; i < 50; i += perCommit) await repos.ingest.writeBatch(items.slice(i, i + perCommit), diff);
const started = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 50; i < batches; i += perCommit) await repos.ingest.writeBatch(items.slice(i, i + perCommit), diff);
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const requests = batches - 50;
console.log(
  `${requests} requests of 100 results, ${perCommit} per commit: ${((elapsed / requests) * 1000).toFixed(0)} µs per request (CPU ${((cpu.user + cpu.system) / requests).toFixed(0)} µs), ${Math.round((requests * 100) / (elapsed / 1000))} results/s`,
);
await close();
