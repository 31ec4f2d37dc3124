import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { registerIngestMetrics } from '../../../src/observability/ingest-metrics.ts';
import type { IngestItem } from '../../../src/domain/ingest.ts';
import { IngestBatcher, type BatcherOptions } from '../../../src/services/ingest/batcher.ts';
import { UnavailableError } from '../../../src/services/errors.ts';

const log = pino({ level: 'silent' });
const item = (agentId: string, samples = 1): IngestItem => ({
  tenantId: 't',
  agentId,
  receivedAt: new Date(),
  inventory: null,
  samples: Array.from({ length: samples }, (_, i) => ({ tenantId: 't', agentId, metric: 'm', ts: new Date(i), value: i, labels: {}, labelsKey: '' })),
});

/** One turn of the event loop: whatever the code under test scheduled for now has run. No wall clock. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Submits `items` items of 10 rows whose writes stay open until the test releases them one at a time, and
 * reports the most transactions ever open together: the count comes from the batcher's own scheduling,
 * not from how long a write happens to take.
 */
async function peakTransactions(options: Partial<BatcherOptions>, items: number): Promise<{ peak: number; transactions: number }> {
  const open = new Set<() => void>();
  let peak = 0;
  let transactions = 0;
  const b = batcher(
    () =>
      new Promise<void>((resolve) => {
        const release = () => {
          open.delete(release);
          resolve();
        };
        open.add(release);
        transactions++;
        peak = Math.max(peak, open.size);
      }),
    options,
  );
  let finished = false;
  const all = Promise.all(Array.from({ length: items }, (_, i) => b.submit(item(`a${i}`, 10)))).then(() => (finished = true));
  while (!finished) {
    await turn();
    const [first] = open;
    first?.();
  }
  await all;
  return { peak, transactions };
}

function batcher(write: (items: readonly IngestItem[]) => Promise<void> | void, options: Partial<BatcherOptions> = {}) {
  const metrics = registerIngestMetrics(new Registry(), () => 0);
  return new IngestBatcher(
    async (items) => {
      await write(items);
      return { samplesWritten: items.reduce((n, i) => n + i.samples.length, 0), inventoriesWritten: 0, changesWritten: 0 };
    },
    { flushIntervalMs: 2, flushMaxRows: 100, maxQueueRows: 1000, retryAfterSec: 3, ...options },
    metrics,
    log,
  );
}

describe('IngestBatcher', () => {
  it('commits many concurrent requests in few transactions and resolves each after its commit', async () => {
    const batches: number[] = [];
    const b = batcher((items) => void batches.push(items.length));
    await Promise.all(Array.from({ length: 50 }, (_, i) => b.submit(item(`a${i}`))));
    expect(batches.reduce((a, n) => a + n, 0)).toBe(50);
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('with flushIntervalMs 0, batches what arrives in one turn of the event loop', async () => {
    const batches: number[] = [];
    const b = batcher((items) => void batches.push(items.length), { flushIntervalMs: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.submit(item(`a${i}`))));
    expect(batches).toEqual([20]);
  });

  it('caps a transaction at flushMaxRows rows', async () => {
    const batches: number[] = [];
    const b = batcher((items) => void batches.push(items.reduce((n, i) => n + i.samples.length, 0)), { flushMaxRows: 25 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(item(`a${i}`, 10))));
    expect(Math.max(...batches)).toBeLessThanOrEqual(25);
    expect(batches.reduce((a, n) => a + n, 0)).toBe(100);
  });

  it('does not resolve before the write has finished', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let done = false;
    let writing!: () => void;
    const started = new Promise<void>((r) => (writing = r));
    const b = batcher(() => {
      writing();
      return gate;
    });
    const p = b.submit(item('a')).then(() => (done = true));
    await started;
    await turn();
    expect(done).toBe(false);
    release();
    await p;
    expect(done).toBe(true);
  });

  it('refuses with 503-style UnavailableError (Retry-After) when the queue is full, never dropping accepted items', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: string[] = [];
    let writing!: () => void;
    const started = new Promise<void>((r) => (writing = r));
    const b = batcher(
      async (items) => {
        writing();
        await gate;
        written.push(...items.map((i) => i.agentId));
      },
      { maxQueueRows: 100 },
    );
    const accepted = Array.from({ length: 10 }, (_, i) => b.submit(item(`ok${i}`, 10)));
    await started; // the first batch is now being written
    const queued = Array.from({ length: 10 }, (_, i) => b.submit(item(`q${i}`, 10)));
    const refused = b.submit(item('refused', 10));
    await expect(refused).rejects.toBeInstanceOf(UnavailableError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 3 });
    release();
    await Promise.all([...accepted, ...queued]);
    expect(written).toHaveLength(20);
    expect(written).not.toContain('refused');
  });

  it('isolates a failing item: the rest of its batch still commits', async () => {
    const b = batcher((items) => {
      if (items.some((i) => i.agentId === 'poison')) throw new Error('constraint');
    });
    const results = await Promise.allSettled(['a', 'poison', 'b'].map((id) => b.submit(item(id))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
  });

  it('runs up to `concurrency` transactions at once, each request resolved by its own', async () => {
    expect(await peakTransactions({ concurrency: 3, flushMaxRows: 10 }, 12)).toEqual({ peak: 3, transactions: 12 });
    expect(await peakTransactions({ flushMaxRows: 10 }, 4)).toEqual({ peak: 1, transactions: 4 });
  });

  it('close writes what is queued, then refuses new items', async () => {
    const written: string[] = [];
    const b = batcher((items) => void written.push(...items.map((i) => i.agentId)), { flushIntervalMs: 1000 });
    const p = b.submit(item('queued'));
    await b.close();
    await p;
    expect(written).toEqual(['queued']);
    await expect(b.submit(item('late'))).rejects.toBeInstanceOf(UnavailableError);
  });

  it("resolves each request of a batch with how many of its results the write stored (its own entry, not the batch's)", async () => {
    const sizes: number[] = [];
    const b = new IngestBatcher(
      async (items) => {
        sizes.push(items.length);
        return { samplesWritten: 0, inventoriesWritten: 0, changesWritten: 0, resultsWritten: 7, resultsStored: items.map((_, i) => (i === 0 ? 2 : 5)) };
      },
      { flushIntervalMs: 0, flushMaxRows: 100, maxQueueRows: 1000, retryAfterSec: 3 },
      registerIngestMetrics(new Registry(), () => 0),
      log,
    );
    const receipts = await Promise.all([b.submit(item('a')), b.submit(item('b'))]);
    expect(sizes).toEqual([2]);
    expect(receipts).toEqual([{ resultsStored: 2 }, { resultsStored: 5 }]);
  });
});
