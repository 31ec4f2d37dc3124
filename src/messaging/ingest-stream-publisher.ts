/**
 * The publishing side of JetStream ingestion: requests' items go out in pipelined messages and each
 * request is answered on its message's ack (see ingest-stream.ts).
 */
import type { JetStreamClient } from 'nats';
import type { ConsumerBacklog, IngestMetrics } from '../observability/ingest-metrics.ts';
import type { IngestItem } from '../domain/ingest.ts';
import { UnavailableError } from '../services/errors.ts';
import type { IngestReceipt, IngestSink } from '../services/ingest/sink.ts';
import { newId } from '../services/ids.ts';
import type { ConsumerDepth } from './consumer-depth.ts';
import { encodeIngestItem, ingestMessage, type IngestFormat } from './ingest-codec.ts';
import type { StreamOptions } from './ingest-stream.ts';
import type { StreamWriter } from './ingest-stream-writer.ts';

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
export class StreamPublisher implements IngestSink {
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
