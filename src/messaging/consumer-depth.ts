/**
 * The ingestion consumer's backlog: messages not yet delivered (num_pending), delivered but not yet acked
 * (num_ack_pending) and, among those, delivered more than once (num_redelivered), read fresh from the
 * server's consumer info. Their first two summed are `ingest_queue_depth`. nats.js's
 * `consumer.info(true)` answers from a cache that freezes across a NATS restart, so it is not used. A read
 * is a request to the server: at most one a second (scrapes in between get the last value), and one at a
 * time. When the server does not answer, the depth is unknown: NaN, never a stale number.
 */
import type { JetStreamManager } from 'nats';
import type { ConsumerBacklog } from '../observability/ingest-metrics.ts';

const MIN_INTERVAL_MS = 1000;

const UNKNOWN: ConsumerBacklog = { pending: Number.NaN, ackPending: Number.NaN, redelivered: Number.NaN };

export class ConsumerDepth {
  private readonly jsm: JetStreamManager;
  private readonly stream: string;
  private readonly durable: string;
  private readAt = Number.NEGATIVE_INFINITY;
  private value: ConsumerBacklog = UNKNOWN;
  private reading: Promise<ConsumerBacklog> | undefined;

  /** `jsm` should have a short request timeout: a scrape waits for it when NATS is down. */
  constructor(jsm: JetStreamManager, stream: string, durable: string) {
    this.jsm = jsm;
    this.stream = stream;
    this.durable = durable;
  }

  /** Messages not yet written to the database: undelivered plus unacked. */
  async read(): Promise<number> {
    const backlog = await this.backlog();
    return backlog.pending + backlog.ackPending;
  }

  backlog(): Promise<ConsumerBacklog> {
    if (performance.now() - this.readAt < MIN_INTERVAL_MS) return Promise.resolve(this.value);
    this.reading ??= this.fetch().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async fetch(): Promise<ConsumerBacklog> {
    try {
      const info = await this.jsm.consumers.info(this.stream, this.durable);
      this.value = { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
    } catch {
      this.value = UNKNOWN;
    }
    this.readAt = performance.now();
    return this.value;
  }
}
