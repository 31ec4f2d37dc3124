/**
 * The JetStream consumer writes several batches at once (`writers`), never more, and every item reaches the
 * writer exactly once with its message acked after the write; a backlog of small messages does not stall the
 * large ones behind it. Real nats-server; the batch writer is a function that holds its writes until the test
 * lets them go, so that concurrency can be observed.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IngestItem, IngestWriteResult } from '../../src/domain/ingest.ts';
import { startIngestStream, type StreamOptions } from '../../src/messaging/ingest-stream.ts';
import { registerIngestMetrics } from '../../src/observability/ingest-metrics.ts';
import { UnavailableError } from '../../src/services/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';

const natsUrl = inject('natsUrl');
const tenantId = randomUUID();

const item = (agentId: string, n: number): IngestItem => ({
  tenantId,
  agentId,
  receivedAt: new Date(),
  samples: [{ tenantId, agentId, metric: 'm', ts: new Date(1_800_000_000_000 + n), value: n, labels: {}, labelsKey: '' }],
  inventory: null,
});

/** A stream of its own (`prefix` + random) with the test's settings over these. */
function streamOptions(prefix: string, overrides: Partial<StreamOptions>): StreamOptions {
  return {
    streamName: `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12).toUpperCase()}`,
    streamMaxMessages: 10_000,
    streamMaxBytes: 64 * 1024 * 1024,
    maxInFlightPublishes: 10_000,
    streamAckWaitSec: 30,
    retryAfterSec: 1,
    batchMessages: 5,
    flushMaxRows: 5,
    publishBatchItems: 1,
    flushIntervalMs: 0,
    writers: 1,
    ...overrides,
  };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(natsUrl !== null)('JetStream consumer with several writers', () => {
  let nc: NatsConnection | undefined;
  afterAll(async () => nc?.close());

  it('writes up to `writers` batches at once, each item once, and acks them all', async () => {
    nc = await connect({ servers: natsUrl! });
    const options = streamOptions('WRITERS', { batchMessages: 5, flushMaxRows: 5, writers: 3 });
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    let release: () => void = () => {};
    let gate = new Promise<void>((r) => (release = r));
    const write = async (items: readonly IngestItem[]): Promise<IngestWriteResult> => {
      inFlight++;
      most = Math.max(most, inFlight);
      await gate;
      for (const i of items) seen.push(i.samples[0]!.value);
      inFlight--;
      return { samplesWritten: items.length, inventoriesWritten: 0, changesWritten: 0 };
    };
    const metrics = registerIngestMetrics(new Registry(), () => 0);
    const sink = await startIngestStream(nc, write, options, metrics, createLogger('silent'));
    try {
      const total = 60;
      await Promise.all(Array.from({ length: total }, (_, n) => sink.submit(item(randomUUID(), n))));
      // The gate holds every write: the consumer has as many batches in flight as it may, and no more.
      await until(() => inFlight === options.writers);
      await new Promise((r) => setTimeout(r, 200));
      expect(inFlight).toBe(options.writers);
      release();
      gate = Promise.resolve();
      await until(() => seen.length >= total);
      expect(most).toBe(options.writers);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => n));
      // Every message acked: nothing left for the consumer, delivered or not.
      let depth = -1;
      for (let i = 0; i < 100 && depth !== 0; i++) {
        depth = await sink.depth();
        if (depth !== 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(depth).toBe(0);
    } finally {
      await sink.close();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(options.streamName);
    }
  });

  it('answers 503 with Retry-After once the backlog reaches the stream byte bound, and writes every item it accepted', async () => {
    nc ??= await connect({ servers: natsUrl! });
    const options = streamOptions('BOUND', { streamMaxBytes: 1024 * 1024, retryAfterSec: 3, batchMessages: 5, flushMaxRows: 5, writers: 1 });
    // The writer holds its first batch (and so the consumer pulls little): the backlog stays in the stream.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const written = new Set<number>();
    const write = async (items: readonly IngestItem[]): Promise<IngestWriteResult> => {
      await gate;
      for (const i of items) written.add(i.samples[0]!.value);
      return { samplesWritten: items.length, inventoriesWritten: 0, changesWritten: 0 };
    };
    const sink = await startIngestStream(
      nc,
      write,
      options,
      registerIngestMetrics(new Registry(), () => 0),
      createLogger('silent'),
    );
    // ~20 KB items: a 1 MiB stream holds a few dozen beyond what the consumer took.
    const bulky = (n: number): IngestItem => {
      const base = item(randomUUID(), n);
      return { ...base, samples: [{ ...base.samples[0]!, labels: { pad: 'x'.repeat(20_000) }, labelsKey: `pad=${n}` }] };
    };
    const accepted: number[] = [];
    let refusal: unknown;
    try {
      for (let n = 0; n < 500 && refusal === undefined; n++) {
        try {
          await sink.submit(bulky(n));
          accepted.push(n);
        } catch (err) {
          refusal = err;
        }
      }
      expect(refusal).toBeInstanceOf(UnavailableError);
      expect(refusal instanceof UnavailableError && refusal.retryAfterSeconds).toBe(3);
      // Bounded: well under what 500 items would take, and every accepted item is written once the writer goes on.
      expect(accepted.length).toBeLessThan(200);
      release();
      await until(() => written.size >= accepted.length);
      expect([...written].sort((a, b) => a - b)).toEqual(accepted);
    } finally {
      release();
      await sink.close();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(options.streamName);
    }
  });

  it('delivers large messages at once after a backlog of small ones', async () => {
    nc ??= await connect({ servers: natsUrl! });
    const options = streamOptions('MIXED', { batchMessages: 500, flushMaxRows: 5000, writers: 2 });
    // The first write waits: 600 small messages, then 40 of ~200 KB (a result batch's size), queue in the stream.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const written = new Set<number>();
    const write = async (items: readonly IngestItem[]): Promise<IngestWriteResult> => {
      await gate;
      for (const i of items) written.add(i.samples[0]!.value);
      return { samplesWritten: items.length, inventoriesWritten: 0, changesWritten: 0 };
    };
    const sink = await startIngestStream(
      nc,
      write,
      options,
      registerIngestMetrics(new Registry(), () => 0),
      createLogger('silent'),
    );
    const large = (n: number): IngestItem => {
      const base = item(randomUUID(), n);
      return { ...base, samples: [{ ...base.samples[0]!, labels: { pad: 'x'.repeat(200_000) }, labelsKey: `pad=${n}` }] };
    };
    try {
      await Promise.all(Array.from({ length: 600 }, (_, n) => sink.submit(item(randomUUID(), n))));
      await Promise.all(Array.from({ length: 40 }, (_, n) => sink.submit(large(600 + n))));
      const released = Date.now();
      release();
      // Stalled, the consumer would deliver nothing until its own check re-subscribes (10 s and more).
      await until(() => written.size >= 640, 5_000);
      expect(Date.now() - released).toBeLessThan(5_000);
      expect(written.size).toBe(640);
    } finally {
      release();
      await sink.close();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(options.streamName);
    }
  });
});
