/**
 * CPU of the ingestion write, in process against on the writer thread, outside HTTP: the same batches
 * (50 requests of 10 samples, fresh timestamps) written both ways into fresh databases, alternately.
 * Prints, per way, wall time per batch and CPU per request of the request thread and of the whole process
 * (the writer thread's share is the difference; both include the main-connection writes below), and how long a
 * write on the main connection takes while batches are written. `node bench/ingest-writer-cost.ts [batches] [rounds] [samples|results]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestItem } from '../src/domain/ingest.ts';
import { openRepositories } from '../src/repositories/index.ts';
import { newId } from '../src/services/ids.ts';
import { canonicalLabels } from '../src/services/ingest/prepare.ts';
import { diffInventory } from '../src/services/inventory/diff.ts';
import { reachabilityEvent } from '../src/services/results/reachability.ts';

const batches = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 2);
/** `results`: batches of 5 requests of 100 ping results (five endpoints each), as the bench's results scenario sends. */
const results = process.argv[4] === 'results';
const PER_BATCH = results ? 5 : 50;
const AGENTS = 500;

function makeResultBatch(tenantId: string, agents: string[], n: number): IngestItem[] {
  return Array.from({ length: PER_BATCH }, (_, r) => {
    const agentId = agents[(n * PER_BATCH + r) % agents.length]!;
    const receivedAt = new Date();
    const rows = Array.from({ length: 100 }, (_, i) => ({
      id: newId(),
      tenantId,
      agentId,
      endpointId: `00000000-0000-7000-8000-00000000000${i % 5}`,
      checkType: 'ping' as const,
      ts: new Date(1_800_000_000_000 + n * 1000 + i),
      reachable: true,
      latencyMs: 1 + (i % 7),
      result: { packets_sent: 3, packets_received: 3, rtt_min_ms: 1, rtt_avg_ms: 1 + (i % 7), rtt_max_ms: 9 },
      receivedAt,
    }));
    return { tenantId, agentId, receivedAt, samples: [], inventory: null, results: rows };
  });
}

function makeBatch(tenantId: string, agents: string[], n: number): IngestItem[] {
  if (results) return makeResultBatch(tenantId, agents, n);
  const items: IngestItem[] = [];
  for (let r = 0; r < 50; r++) {
    const agentId = agents[(n * 50 + r) % agents.length]!;
    const ts = new Date(1_800_000_000_000 + n * 1000 + r);
    const samples = Array.from({ length: 10 }, (_, i) => {
      const labels = { core: String(i % 4) };
      return { tenantId, agentId, metric: `m${i % 5}`, ts, value: i * 1.5, labels, labelsKey: canonicalLabels(labels) };
    });
    items.push({ tenantId, agentId, receivedAt: new Date(), samples, inventory: null });
  }
  return items;
}

async function run(thread: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-writer-cost-'));
  const repos = await openRepositories({ url: `sqlite:${join(dir, 'db.sqlite')}`, poolSize: 1, busyTimeoutMs: 5000 });
  const tenantId = newId();
  await repos.tenants.create({ id: tenantId, name: tenantId, createdAt: new Date() }, {});
  const agents = Array.from({ length: AGENTS }, () => newId());
  const writer = thread ? repos.ingestWriterThread?.(new URL('../src/workers/sqlite-ingest-writer.ts', import.meta.url)) : undefined;
  const write = writer ? (items: IngestItem[]) => writer.writeBatch(items) : (items: IngestItem[]) => repos.ingest.writeBatch(items, diffInventory, reachabilityEvent);
  for (let n = 0; n < 100; n++) await write(makeBatch(tenantId, agents, batches + 1 + n)); // warm-up: starts the thread, creates the series, compiles
  const all = Array.from({ length: batches }, (_, n) => makeBatch(tenantId, agents, n + 1));
  const cpu0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const t0 = performance.now();
  let writing = true;
  const done = (async () => {
    for (const items of all) await write(items);
    writing = false;
  })();
  // Meanwhile, a write on the main connection every 5 ms (as heartbeats and operator writes are): how long it
  // waits, blocking the request thread, for the write lock the batches hold.
  const waits: number[] = [];
  while (writing) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await repos.tenants.create({ id: newId(), name: newId(), createdAt: new Date() }, {});
    waits.push(performance.now() - started);
  }
  await done;
  const wall = performance.now() - t0;
  waits.sort((a, b) => a - b);
  const at = (p: number) => waits[Math.min(waits.length - 1, Math.floor(p * waits.length))]!.toFixed(1);
  const cpu = process.cpuUsage(cpu0);
  const main = process.threadCpuUsage(main0);
  const requests = batches * PER_BATCH;
  const us = (c: { user: number; system: number }) => ((c.user + c.system) / requests).toFixed(1);
  console.log(
    `${thread ? 'writer thread' : 'in process   '}  ${(wall / batches).toFixed(2)} ms/batch  request thread ${us(main)} µs/req  process ${us(cpu)} µs/req  main-connection write p50 ${at(0.5)} p95 ${at(0.95)} max ${at(1)} ms (${waits.length})  RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
  await repos.close();
  rmSync(dir, { recursive: true, force: true });
}

for (let r = 0; r < rounds; r++) {
  await run(false);
  await run(true);
}
