/**
 * The SQLite ingestion writer thread: batches written on its own connection and answered after their
 * commit (per request, through the batcher), a failing batch failing only its own requests, a dead
 * thread failing what it held with 503 and a new thread taking over, and a shutdown that writes what is queued.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CheckResultRow } from '../../src/domain/check-result.ts';
import type { CommittedEvents } from '../../src/domain/event.ts';
import type { IngestItem } from '../../src/domain/ingest.ts';
import { registerIngestMetrics } from '../../src/observability/ingest-metrics.ts';
import { IngestWriterThread } from '../../src/repositories/sqlite/ingest-thread.ts';
import { UnavailableError } from '../../src/services/errors.ts';
import { newId } from '../../src/services/ids.ts';
import { IngestBatcher } from '../../src/services/ingest/batcher.ts';
import type { BatchWriter } from '../../src/services/ingest/sink.ts';
import { canonicalLabels } from '../../src/services/ingest/prepare.ts';
import { captureLogger } from '../helpers/logs.ts';
import { useRepositories } from '../helpers/repository-suite.ts';

const WRITER = new URL('../../src/workers/sqlite-ingest-writer.ts', import.meta.url);
const CRASHING = new URL('../fixtures/crashing-ingest-writer.ts', import.meta.url);
const t0 = Date.parse('2030-03-01T00:00:00.000Z');

/** One request's item: samples of `cpu{core="0"}` a second apart from `start`. */
function item(tenantId: string, agentId: string, values: number[], results: CheckResultRow[] = [], start = t0): IngestItem {
  const labels = { core: '0' };
  const samples = values.map((value, i) => ({ tenantId, agentId, metric: 'cpu', ts: new Date(start + i * 1000), value, labels, labelsKey: canonicalLabels(labels) }));
  return { tenantId, agentId, receivedAt: new Date(), samples, inventory: null, results };
}

function result(tenantId: string, agentId: string, endpointId: string, reachable: boolean, id = newId()): CheckResultRow {
  return { id, tenantId, agentId, endpointId, checkType: 'ping', ts: new Date(t0), reachable, latencyMs: reachable ? 3 : null, result: {}, receivedAt: new Date() };
}

function batcher(write: BatchWriter, flushIntervalMs = 20) {
  const metrics = registerIngestMetrics(new Registry(), () => 0);
  return new IngestBatcher(write, { flushIntervalMs, flushMaxRows: 1000, maxQueueRows: 10_000, retryAfterSec: 3 }, metrics, captureLogger().logger);
}

describe('SQLite ingestion writer thread', () => {
  const suite = useRepositories('sqlite');
  const thread = () => {
    const open = suite.repos.ingestWriterThread?.(WRITER);
    if (!open) throw new Error('a file-backed SQLite database has a writer thread');
    return open;
  };
  const agent = async () => {
    const t = await suite.tenant();
    return { t: t.id, a: (await suite.agent(t.id)).id };
  };
  const ownThread = (module: URL) => new IngestWriterThread(module, { url: suite.url, busyTimeoutMs: 2000, synchronous: 'full' }, () => {});

  it('answers each request after the commit with what it stored; the main connection reads it and hears its events', async () => {
    const { t, a } = await agent();
    const heard: CommittedEvents[] = [];
    suite.repos.onEventsCommitted((c) => heard.push(...c));
    const endpointId = newId();
    const first = result(t, a, endpointId, false);
    const b = batcher((items) => thread().writeBatch(items));
    const [one, two] = await Promise.all([b.submit(item(t, a, [1, 2, 3], [first])), b.submit(item(t, a, [], [result(t, a, endpointId, false, first.id), result(t, a, newId(), true)]))]);
    // The second request re-sent the first one's result: stored once, counted for the request that stored it.
    expect([one.resultsStored, two.resultsStored]).toEqual([1, 1]);
    expect((await suite.repos.telemetry.latest(t, a)).map((s) => s.value)).toEqual([3]);
    expect(heard.filter((c) => c.tenantId === t).flatMap((c) => c.types)).toEqual(['endpoint_unreachable']);
    await b.close();
  });

  it('fails only the requests of a failing item: the batch is retried one request at a time', async () => {
    const { t, a } = await agent();
    const b = batcher((items) => thread().writeBatch(items));
    // NaN is refused by prepareSubmission; here it reaches the write, whose NOT NULL constraint fails the batch.
    const [good, bad] = await Promise.allSettled([b.submit(item(t, a, [7])), b.submit(item(t, a, [Number.NaN]))]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(UnavailableError);
    expect((await suite.repos.telemetry.latest(t, a)).map((s) => s.value)).toEqual([7]);
    await b.close();
  });

  it('answers 503 for what a dead thread held and writes the next batches on a new thread', async () => {
    const { t, a } = await agent();
    const crashing = ownThread(CRASHING);
    const b = batcher((items) => crashing.writeBatch(items), 0);
    await expect(b.submit(item(t, 'crash', [1]))).rejects.toBeInstanceOf(UnavailableError);
    await b.submit(item(t, a, [5]));
    expect(crashing.starts).toBe(2);
    expect((await suite.repos.telemetry.latest(t, a)).map((s) => s.value)).toEqual([5]);
    await b.close();
    await crashing.stop();
  });

  it('writes what is queued at shutdown before the thread closes its connection', async () => {
    const { t, a } = await agent();
    const writer = ownThread(WRITER);
    const b = batcher((items) => writer.writeBatch(items), 200);
    const submitted = [1, 2, 3, 4].map((v) => b.submit(item(t, a, [v], [], t0 + v * 1000)));
    await b.close();
    await writer.stop();
    await expect(Promise.all(submitted)).resolves.toHaveLength(4);
    await expect(writer.writeBatch([item(t, a, [9])])).rejects.toThrow(/stopped/);
    expect((await suite.repos.telemetry.latest(t, a)).map((s) => s.value)).toEqual([4]);
  });
});
