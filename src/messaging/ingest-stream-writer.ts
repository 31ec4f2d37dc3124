/**
 * The consuming side of JetStream ingestion: the durable consumer's messages written to the database in
 * batches, each acked after its commit (see ingest-stream.ts).
 */
import type { ConsumerMessages, JsMsg } from 'nats';
import type { Logger } from '../observability/logger.ts';
import type { IngestMetrics } from '../observability/ingest-metrics.ts';
import type { IngestItem } from '../domain/ingest.ts';
import { itemRows, type BatchWriter } from '../services/ingest/sink.ts';
import { transientDatabaseFault } from '../repositories/shared/transient-errors.ts';
import { decodeIngestItems } from './ingest-codec.ts';
import type { StreamOptions } from './ingest-stream.ts';

/** How often the writer checks that its subscription still delivers (see StreamWriter.checkStalled). */
const STALL_CHECK_MS = 5_000;
/**
 * Drains the consumer: buffers delivered messages and writes them in batches, acking after each commit.
 * Should the subscription end (nats.js gives up on it, e.g. when JetStream answers "consumer not found"
 * while restarting from a crash), it subscribes again: the consumer resumes without a process restart.
 */
export class StreamWriter {
  private buffer: Delivered[] = [];
  private bufferedRows = 0;
  private wake: (() => void) | undefined;
  /** Resolves the receiver paused on a full buffer (see receive). */
  private room: (() => void) | undefined;
  /** Batches being written. */
  private readonly writing = new Set<Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private messages: ConsumerMessages;
  private readonly subscribe: () => Promise<ConsumerMessages>;
  private readonly undelivered: () => Promise<number>;
  private lastDelivery = performance.now();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly write: BatchWriter;
  private readonly options: StreamOptions;
  private readonly metrics: IngestMetrics;
  private readonly log: Logger;

  constructor(messages: ConsumerMessages, subscribe: () => Promise<ConsumerMessages>, undelivered: () => Promise<number>, write: BatchWriter, options: StreamOptions, metrics: IngestMetrics, log: Logger) {
    this.messages = messages;
    this.subscribe = subscribe;
    this.undelivered = undelivered;
    this.write = write;
    this.options = options;
    this.metrics = metrics;
    this.log = log;
  }

  start(): void {
    void this.receive();
    this.loop = this.drain();
    this.watchdog = setInterval(() => void this.checkStalled(), STALL_CHECK_MS).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    this.wake?.();
    this.room?.();
    await this.loop;
    await Promise.allSettled([...this.writing]);
    // Messages delivered but not written are redelivered (to another instance, or after restart).
    for (const d of this.buffer.splice(0)) d.m.nak();
    await this.messages.close();
  }

  private async receive(): Promise<void> {
    for (;;) {
      try {
        for await (const m of this.messages) {
          this.lastDelivery = performance.now();
          if (m.redelivered) this.metrics.redeliveries.inc();
          const d = this.decode(m);
          if (!d) continue;
          this.buffer.push(d);
          this.bufferedRows += d.rows;
          this.wake?.();
          // Holding back the iterator holds back nats.js's next pull: what is delivered but not yet written
          // stays within a few batches instead of everything the consumer may have unacknowledged.
          if (this.bufferedRows >= this.bufferLimit()) await new Promise<void>((r) => (this.room = r));
          if (this.stopped) break;
        }
        if (this.stopped) return;
        this.log.warn('ingestion consumer subscription ended; subscribing again');
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'ingestion consumer subscription failed; subscribing again');
      }
      for (;;) {
        await sleep(1000);
        if (this.stopped) return;
        try {
          this.messages = await this.subscribe();
          break;
        } catch (err) {
          this.log.warn({ err }, 'ingestion consumer not reachable yet');
        }
      }
      if (this.stopped) return void (await this.messages.close());
    }
  }

  /**
   * After a NATS restart, nats.js's pull subscription can stay open without pulling (seen in the fault
   * runs: no delivery, no error, messages waiting on the server, undelivered or awaiting redelivery).
   * Nothing delivered here for a while although the server holds such messages: the subscription is
   * closed, and `receive` opens it again (needlessly at worst, when another instance holds them).
   */
  private async checkStalled(): Promise<void> {
    // Paused on a full buffer (see receive): nothing is delivered because nothing is read, not a stall.
    if (this.room) this.lastDelivery = performance.now();
    if (this.stopped || performance.now() - this.lastDelivery < STALL_CHECK_MS * 2) return;
    try {
      if ((await this.undelivered()) === 0) return;
    } catch {
      return; // NATS not answering: nothing to conclude yet
    }
    this.log.warn({ idleMs: Math.round(performance.now() - this.lastDelivery) }, 'ingestion consumer delivers nothing while messages wait; subscribing again');
    this.lastDelivery = performance.now();
    await this.messages.close();
  }

  /** The message's items, or nothing when it is not an ingestion message (then it is dropped from the stream). */
  private decode(m: JsMsg): Delivered | undefined {
    try {
      const items = decodeIngestItems(m.data);
      return { m, items, rows: items.reduce((n, i) => n + itemRows(i), 0) };
    } catch (err) {
      this.log.error({ err, seq: m.seq }, 'undecodable ingestion message dropped from the stream');
      m.term();
      return undefined;
    }
  }

  /** Rows delivered and not yet taken by a writer at most (beyond one message). */
  private bufferLimit(): number {
    return this.options.flushMaxRows * (this.options.writers + 1);
  }

  /**
   * Up to `writers` batches are written at once, each acked after its own commit. Concurrent batches may
   * hold the same series: the write is idempotent and takes its row locks in key order (no deadlock).
   * While a batch is being written, another starts only once it is full: under load batches stay large
   * (fewer statements and commits per row); when idle, what arrived is written at once.
   */
  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (!this.mayStart()) await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
      if (this.stopped) break;
      if (!this.mayStart()) continue;
      if (!this.full() && this.options.flushIntervalMs > 0) await sleep(this.options.flushIntervalMs);
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      const written: Promise<void> = this.commit(batch).finally(() => {
        this.writing.delete(written);
        this.wake?.();
      });
      this.writing.add(written);
    }
  }

  private full(): boolean {
    return this.buffer.length >= this.options.batchMessages || this.bufferedRows >= this.options.flushMaxRows;
  }

  private mayStart(): boolean {
    return this.buffer.length > 0 && this.writing.size < this.options.writers && (this.writing.size === 0 || this.full());
  }

  /** Up to `batchMessages` messages and `flushMaxRows` rows (at least one message). */
  private takeBatch(): Delivered[] {
    let count = 0;
    let rows = 0;
    while (count < this.buffer.length && count < this.options.batchMessages && (count === 0 || rows + this.buffer[count]!.rows <= this.options.flushMaxRows)) rows += this.buffer[count++]!.rows;
    this.bufferedRows -= rows;
    if (this.bufferedRows < this.bufferLimit()) {
      this.room?.();
      this.room = undefined;
    }
    return this.buffer.splice(0, count);
  }

  private async commit(batch: Delivered[]): Promise<void> {
    const items = batch.flatMap((d) => d.items);
    const good = batch.map((d) => d.m);
    if (items.length === 0) {
      for (const m of good) m.ack();
      return;
    }
    const started = performance.now();
    try {
      const result = await writeWithin(this.write(items), this.options.streamAckWaitSec * 1000);
      this.metrics.flushSeconds.observe((performance.now() - started) / 1000);
      this.metrics.batchRequests.observe(items.length);
      this.metrics.batchRows.observe(items.reduce((n, i) => n + itemRows(i), 0));
      if (result.samplesWritten) this.metrics.rowsPersisted.inc({ kind: 'sample' }, result.samplesWritten);
      if (result.inventoriesWritten) this.metrics.rowsPersisted.inc({ kind: 'snapshot' }, result.inventoriesWritten);
      if (result.changesWritten) this.metrics.rowsPersisted.inc({ kind: 'change' }, result.changesWritten);
      if (result.resultsWritten) this.metrics.rowsPersisted.inc({ kind: 'result' }, result.resultsWritten);
      for (const m of good) m.ack();
    } catch (err) {
      this.metrics.batchFailures.inc();
      if (err instanceof WriteTimeout || transientDatabaseFault(err) !== null) {
        // The database is unreachable (or the write hangs on a dead connection): every message would
        // fail alike, so writing them one by one would only hammer it. All are redelivered after a pause.
        this.log.warn({ err, messages: good.length }, 'ingestion batch from the stream not written: database unavailable; redelivering');
        for (const m of good) m.nak(1000);
        return;
      }
      if (good.length > 1) {
        // Find the message that fails, so that the others are not held back with it.
        this.log.warn({ err, messages: good.length }, 'ingestion batch from the stream failed; writing its messages one by one');
        for (const d of batch) await this.commit([d]);
        return;
      }
      // Kept in the stream (never dropped): redelivered after a pause, e.g. once the database is back.
      this.log.error({ err, seq: good[0]!.seq }, 'ingestion message could not be written; redelivering');
      good[0]!.nak(1000);
    }
  }
}

interface Delivered {
  m: JsMsg;
  items: IngestItem[];
  rows: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class WriteTimeout extends Error {}

/**
 * The write, or a WriteTimeout once JetStream would redeliver its messages anyway (the ack wait): a query
 * on a connection the driver left waiting must not stall the consumer for good. A write that completes
 * after all is harmless (writes are idempotent).
 */
async function writeWithin<T>(write: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([write, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new WriteTimeout(`batch write took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
