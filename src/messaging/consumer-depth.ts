/**
 * The ingestion consumer's backlog for `ingest_queue_depth`: messages not yet delivered (num_pending) plus
 * delivered but not yet acked (num_ack_pending), read fresh from the server's consumer info. nats.js's
 * `consumer.info(true)` answers from a cache that freezes across a NATS restart, so it is not used. A read
 * is a request to the server: at most one a second (scrapes in between get the last value), and one at a
 * time. When the server does not answer, the depth is unknown: NaN, never a stale number.
 */
import type { JetStreamManager } from 'nats';

const MIN_INTERVAL_MS = 1000;

export class ConsumerDepth {
  private readonly jsm: JetStreamManager;
  private readonly stream: string;
  private readonly durable: string;
  private readAt = Number.NEGATIVE_INFINITY;
  private value = Number.NaN;
  private reading: Promise<number> | undefined;

  /** `jsm` should have a short request timeout: a scrape waits for it when NATS is down. */
  constructor(jsm: JetStreamManager, stream: string, durable: string) {
    this.jsm = jsm;
    this.stream = stream;
    this.durable = durable;
  }

  read(): Promise<number> {
    if (performance.now() - this.readAt < MIN_INTERVAL_MS) return Promise.resolve(this.value);
    this.reading ??= this.fetch().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async fetch(): Promise<number> {
    try {
      const info = await this.jsm.consumers.info(this.stream, this.durable);
      this.value = info.num_pending + info.num_ack_pending;
    } catch {
      this.value = Number.NaN;
    }
    this.readAt = performance.now();
    return this.value;
  }
}
