/**
 * Listing an endpoint's results, in process: `node bench/results-list.ts [--db postgres] [--agents 2000] [--per-agent 500] [--unreachable-every 10]`
 * (SQLite in a temp dir, or a throwaway Postgres cluster). Writes `--per-agent` ping results a minute apart
 * for each of `--agents` agents on one endpoint (one series per agent, interleaved in time, every
 * `--unreachable-every`-th one unreachable, default 10, 0 for none) through the ingest repository, then times pages of 50 (the repository is asked for 51,
 * as the service does): the newest page, the unreachable results, a page halfway back, and one agent's.
 */
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './in-process-db.ts';
import { uuidv7 } from 'uuidv7';
import type { CheckResultRow } from '../src/domain/check-result.ts';
import type { IngestItem } from '../src/domain/ingest.ts';
import type { ResultListQuery } from '../src/repositories/ports/results.ts';

const { values: args } = parseArgs({
  options: { db: { type: 'string', default: 'sqlite' }, agents: { type: 'string', default: '2000' }, 'per-agent': { type: 'string', default: '500' }, 'unreachable-every': { type: 'string', default: '10' } },
});
const agents = Number(args.agents);
const perAgent = Number(args['per-agent']);
/** Every n-th result of an agent is unreachable (0: none, the worst case for `reachable=false`). */
const unreachableEvery = Number(args['unreachable-every']);
const ROUNDS = 20;

const { repos, tenantId, close } = await openBenchDatabase(args.db!, 'results-list');

const endpointId = uuidv7();
const t0 = Date.now() - perAgent * 60_000;
function agentItem(a: number): IngestItem {
  const agentId = uuidv7();
  const receivedAt = new Date();
  const results: CheckResultRow[] = Array.from({ length: perAgent }, (_, r) => {
    const ok = unreachableEvery === 0 || r % unreachableEvery !== 0;
    const result = { resolved_ip: '192.0.2.1', successes: ok ? 1 : 0, failures: ok ? 0 : 1, success_latencies: ok ? [5] : [], error_details: null };
    return { id: uuidv7(), tenantId, agentId, endpointId, checkType: 'ping', ts: new Date(t0 + r * 60_000 + a), reachable: ok, latencyMs: ok ? 5 : null, result, receivedAt };
  });
  return { tenantId, agentId, receivedAt, samples: [], inventory: null, results };
}
for (let a = 0; a < agents; a += 20) {
  await repos.ingest.writeBatch(
    Array.from({ length: Math.min(20, agents - a) }, (_, i) => agentItem(a + i)),
    () => null,
  );
}
console.log(`${args.db}: ${agents} agents × ${perAgent} results on one endpoint, ${unreachableEvery ? `every ${unreachableEvery}th unreachable` : 'all reachable'}`);

async function time(name: string, q: ResultListQuery): Promise<void> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    rows = (await repos.results.list(q)).length;
    ms.push(performance.now() - started);
  }
  ms.sort((x, y) => x - y);
  console.log(`  ${name}: ${rows} rows, median ${ms[ROUNDS / 2]!.toFixed(1)} ms, max ${ms[ROUNDS - 1]!.toFixed(1)} ms`);
}

const newest: ResultListQuery = { tenantId, endpointIds: [endpointId], from: new Date(0), to: new Date('9999-12-31T00:00:00Z'), limit: 51 };
await time('newest page', newest);
await time('unreachable only', { ...newest, reachable: false });
await time('halfway back (after a cursor)', { ...newest, after: { ts: new Date(t0 + (perAgent / 2) * 60_000), id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' } });
await time('one agent', { ...newest, agentId: (await repos.results.list(newest))[0]!.agentId });
await close();
