/**
 * Ingestion through NATS JetStream. Requests publish their item and answer 202 after the stream's ack
 * (the message is then stored by JetStream). A durable pull consumer, shared by every instance, drains
 * the stream in batches: one transaction per batch, then the messages are acked. A crash between commit
 * and ack redelivers the messages; the write is idempotent (samples keyed by agent, metric, labels and
 * ts; a snapshot not newer than the stored one is skipped), so nothing is stored twice.
 */
import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import type { Logger } from '../observability/logger.ts';
import type { ConsumerBacklog, IngestMetrics } from '../observability/ingest-metrics.ts';
import type { IngestItem } from '../domain/ingest.ts';
import { UnavailableError } from '../services/errors.ts';
import { itemRows, type BatchWriter, type IngestReceipt, type IngestSink } from '../services/ingest/sink.ts';
import { newId } from '../services/ids.ts';
import { transientDatabaseFault } from '../repositories/shared/transient-errors.ts';
import { startAckFloorPurge } from './ack-floor-purge.ts';
import { ConsumerDepth } from './consumer-depth.ts';
import { decodeIngestItems, encodeIngestItem, ingestMessage, type IngestFormat } from './ingest-codec.ts';

export interface StreamOptions {
  streamName: string;
  streamMaxMessages: number;
  /** Bytes the stream holds at most: past them publishes fail and requests get 503 (see config). */
  streamMaxBytes: number;
  maxInFlightPublishes: number;
  streamAckWaitSec: number;
  retryAfterSec: number;
  /** Messages per transaction at most. */
  batchMessages: number;
  /** Rows per transaction at most (a message may hold several items). */
  flushMaxRows: number;
  /** Items published together in one message at most (1: every item its own message). */
  publishBatchItems: number;
  flushIntervalMs: number;
  /** Batches written at once (each its own transaction): while one waits for its commit, the next is written. */
  writers: number;
}

const DURABLE = 'agentry-ingest-writer';
/** How often the writer checks that its subscription still delivers (see StreamWriter.checkStalled). */
const STALL_CHECK_MS = 5_000;
/** How often acknowledged messages left below the ack floor are looked for (see ack-floor-purge.ts). */
const ACK_FLOOR_CHECK_MS = 5_000;
/**
 * Messages asked for by one pull, counted rather than sized. nats.js bounds a byte-sized pull with a count
 * too (100 messages), and when the server ends a pull on that count the bytes left unused stay booked as
 * pending: after a backlog of small messages (telemetry) each new pull asks for fewer bytes than one large
 * message (a result batch, ~200 KB) holds, the server refuses every pull, and nothing is delivered until the
 * subscription is reset (13 s and more in the bench: 2 million results acknowledged and not written;
 * `ingest-stream-writers.test.ts` shows it). Counts are accounted exactly. 16 messages of at most
 * MESSAGE_BYTES keep what waits in nats.js's queue within 4 MiB (an item larger than that travels alone,
 * up to NATS's max_payload).
 */
const PULL_MESSAGES = 16;
const subjectOf = (stream: string) => `agentry.ingest.${stream.toLowerCase()}`;

export async function startIngestStream(nc: NatsConnection, write: BatchWriter, options: StreamOptions, metrics: IngestMetrics, log: Logger): Promise<IngestSink> {
  const jsm = await nc.jetstreamManager();
  const subject = subjectOf(options.streamName);
  const streamConfig = {
    name: options.streamName,
    subjects: [subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    max_msgs: options.streamMaxMessages,
    max_bytes: options.streamMaxBytes,
    discard: DiscardPolicy.New,
    duplicate_window: 120_000_000_000, // 2 min in ns: a publish retried with the same id is stored once
  };
  try {
    await jsm.streams.info(options.streamName);
    await jsm.streams.update(options.streamName, streamConfig);
  } catch {
    await jsm.streams.add(streamConfig);
  }
  const consumerConfig = {
    durable_name: DURABLE,
    ack_policy: AckPolicy.Explicit,
    ack_wait: options.streamAckWaitSec * 1_000_000_000,
    max_ack_pending: options.batchMessages * (options.writers + 3),
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(options.streamName, DURABLE);
    await jsm.consumers.update(options.streamName, DURABLE, { ack_wait: consumerConfig.ack_wait, max_ack_pending: consumerConfig.max_ack_pending });
  } catch {
    await jsm.consumers.add(options.streamName, consumerConfig);
  }
  const js = nc.jetstream();
  const subscribe = async () => (await js.consumers.get(options.streamName, DURABLE)).consume({ max_messages: PULL_MESSAGES });
  const quickJsm = await nc.jetstreamManager({ timeout: 1000 });
  const undelivered = async () => {
    const info = await quickJsm.consumers.info(options.streamName, DURABLE);
    return info.num_pending + info.num_ack_pending;
  };
  const writer = new StreamWriter(await subscribe(), subscribe, undelivered, write, options, metrics, log);
  writer.start();
  const depth = new ConsumerDepth(quickJsm, options.streamName, DURABLE);
  const purge = startAckFloorPurge(quickJsm, options.streamName, DURABLE, ACK_FLOOR_CHECK_MS, (n) => metrics.ackFloorPurged.inc(n), log);
  return new StreamPublisher(js, subject, options, metrics, writer, depth, () => purge.stop());
}

interface Outgoing {
  encoded: string;
  resolve(receipt: IngestReceipt): void;
  reject(err: Error): void;
}

/** Bytes of encoded items per message at most (NATS refuses payloads over its max_payload, 1 MiB by default). */
const MESSAGE_BYTES = 256 * 1024;

/**
 * Publishes pipelined: the items submitted during one turn of the event loop go out together as one
 * message (up to `publishBatchItems` items and MESSAGE_BYTES), so that one publish, one JetStream ack and,
 * on the consumer, one delivery and one ack serve many requests. Each request is answered on its message's
 * ack. Publishes are not awaited one after the other: every message is in flight at once.
 */
class StreamPublisher implements IngestSink {
  /** The 202 follows the JetStream ack; the database write comes later. */
  readonly reportsStoredResults = false;
  /** Publishes awaiting their JetStream ack. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private pending: Outgoing[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  /** Items submitted and not yet acknowledged. */
  private waiting = 0;
  private closed = false;
  private readonly js: JetStreamClient;
  private readonly subject: string;
  private readonly options: StreamOptions;
  private readonly metrics: IngestMetrics;
  private readonly writer: StreamWriter;
  private readonly consumer: ConsumerDepth;
  private readonly stopMaintenance: () => void;
  /** Compact batches, unless every request goes alone in the format every version reads (publishBatchItems 1). */
  private readonly format: IngestFormat;

  constructor(js: JetStreamClient, subject: string, options: StreamOptions, metrics: IngestMetrics, writer: StreamWriter, consumer: ConsumerDepth, stopMaintenance: () => void) {
    this.js = js;
    this.subject = subject;
    this.options = options;
    this.metrics = metrics;
    this.writer = writer;
    this.consumer = consumer;
    this.stopMaintenance = stopMaintenance;
    this.format = options.publishBatchItems > 1 ? 'compact' : 'full';
  }

  depth(): Promise<number> {
    return this.consumer.read();
  }

  backlog(): Promise<ConsumerBacklog> {
    return this.consumer.backlog();
  }

  submit(item: IngestItem): Promise<IngestReceipt> {
    if (this.closed) return Promise.reject(this.refuse('shutting_down', 'the server is shutting down'));
    if (this.waiting >= this.options.maxInFlightPublishes) return Promise.reject(this.refuse('queue_full', `${this.waiting} items are awaiting JetStream`));
    const encoded = encodeIngestItem(item, this.format);
    this.waiting++;
    return new Promise<IngestReceipt>((resolve, reject) => {
      if (this.pending.length > 0 && this.pendingBytes + encoded.length > MESSAGE_BYTES) this.publishPending();
      this.pending.push({ encoded, resolve, reject });
      this.pendingBytes += encoded.length;
      if (this.pending.length >= this.options.publishBatchItems) this.publishPending();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.publishPending();
        });
      }
    }).finally(() => this.waiting--);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopMaintenance();
    this.publishPending();
    await Promise.allSettled([...this.inFlight]);
    await this.writer.stop();
  }

  private publishPending(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    const started = performance.now();
    const publish = this.js.publish(
      this.subject,
      ingestMessage(
        batch.map((o) => o.encoded),
        this.format,
      ),
      { msgID: newId(), timeout: 5000 },
    );
    this.inFlight.add(publish);
    publish
      .then(
        () => {
          this.metrics.ackSeconds.observe((performance.now() - started) / 1000);
          for (const o of batch) o.resolve({ resultsStored: null });
        },
        (err: unknown) => {
          // Stream full (writers lag), NATS unreachable or no ack in time: the clients retry later.
          const refusal = this.refuse('stream_unavailable', `JetStream did not accept the data (${(err as Error).message}); retry later`);
          for (const o of batch) o.reject(refusal);
        },
      )
      .finally(() => this.inFlight.delete(publish));
  }

  private refuse(reason: string, message: string): UnavailableError {
    this.metrics.backPressure.inc({ reason });
    return new UnavailableError(message, this.options.retryAfterSec);
  }
}

/**
 * Drains the consumer: buffers delivered messages and writes them in batches, acking after each commit.
 * Should the subscription end (nats.js gives up on it, e.g. when JetStream answers "consumer not found"
 * while restarting from a crash), it subscribes again: the consumer resumes without a process restart.
 */
class StreamWriter {
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
