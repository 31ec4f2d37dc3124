/** Metrics of the ingestion pipeline: queue depth, batch sizes, flush latency, rows persisted, refusals. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  /** Rows (samples + snapshots) per committed batch. */
  batchRows: Histogram;
  /** Requests per committed batch. */
  batchRequests: Histogram;
  /** Time to write and commit one batch. */
  flushSeconds: Histogram;
  /** From a request entering the queue to its batch committing (or its JetStream ack). */
  ackSeconds: Histogram;
  rowsPersisted: Counter<'kind'>;
  samplesRejected: Counter<'reason'>;
  /** Requests refused with 503 because the pipeline was full or storage failed. */
  backPressure: Counter<'reason'>;
  /** Batches that failed and were retried request by request (or redelivered by JetStream). */
  batchFailures: Counter;
  /** Acknowledged JetStream messages a NATS crash left below the consumer's ack floor, purged. */
  ackFloorPurged: Counter;
  /** JetStream messages this instance received more than once (after a nak, an ack wait or a crash). */
  redeliveries: Counter;
}

export interface ConsumerBacklog {
  pending: number;
  ackPending: number;
  redelivered: number;
}

/**
 * `depth` reports queued rows (batcher) or pending stream messages (JetStream); it may be async. `backlog`
 * reads the JetStream consumer; without NATS it answers undefined and the consumer gauges read 0.
 */
export function registerIngestMetrics(registry: Registry, depth: () => number | Promise<number>, backlog: () => Promise<ConsumerBacklog> | undefined = () => undefined): IngestMetrics {
  new Gauge({
    name: 'ingest_queue_depth',
    help: 'Ingestion rows queued for the database (batcher), or JetStream consumer messages not yet delivered or not yet acked (NaN while NATS does not answer).',
    registers: [registry],
    async collect() {
      this.set(await depth());
    },
  });
  const consumerGauges = [
    ['jetstream_consumer_pending_messages', 'pending', 'Ingestion stream messages not yet delivered to the durable consumer: its lag (0 without NATS, NaN while NATS does not answer).'],
    ['jetstream_consumer_ack_pending_messages', 'ackPending', 'Ingestion stream messages delivered to a writer and not yet acked (0 without NATS, NaN while NATS does not answer).'],
    ['jetstream_consumer_redelivered_messages', 'redelivered', 'Ingestion stream messages delivered more than once and not yet acked (0 without NATS, NaN while NATS does not answer).'],
  ] as const;
  for (const [name, key, help] of consumerGauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const read = backlog();
        if (read) this.set((await read)[key]);
      },
    });
  }
  const rowBuckets = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
  return {
    batchRows: new Histogram({ name: 'ingest_batch_rows', help: 'Rows written per ingestion transaction.', buckets: rowBuckets, registers: [registry] }),
    batchRequests: new Histogram({ name: 'ingest_batch_requests', help: 'Requests (or stream messages) per ingestion transaction.', buckets: rowBuckets, registers: [registry] }),
    flushSeconds: new Histogram({
      name: 'ingest_flush_seconds',
      help: 'Time to write and commit one ingestion batch.',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'ingest_ack_seconds',
      help: 'From a request entering the pipeline to its data being durable (commit or JetStream ack).',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rowsPersisted: new Counter({ name: 'ingest_rows_persisted_total', help: 'Rows newly stored, by kind (sample, snapshot, change, result).', labelNames: ['kind'], registers: [registry] }),
    samplesRejected: new Counter({ name: 'ingest_samples_rejected_total', help: 'Samples rejected one by one, by reason.', labelNames: ['reason'], registers: [registry] }),
    backPressure: new Counter({ name: 'ingest_refused_total', help: 'Ingestion requests answered 503, by reason.', labelNames: ['reason'], registers: [registry] }),
    batchFailures: new Counter({ name: 'ingest_batch_failures_total', help: 'Ingestion batches whose transaction failed.', registers: [registry] }),
    ackFloorPurged: new Counter({
      name: 'ingest_stream_ack_floor_purged_total',
      help: 'Acknowledged JetStream messages left in the stream below the consumer ack floor (after a NATS crash) and purged.',
      registers: [registry],
    }),
    redeliveries: new Counter({
      name: 'jetstream_redeliveries_total',
      help: 'Ingestion stream messages this instance received again after a nak, an expired ack wait or a crash.',
      registers: [registry],
    }),
  };
}
