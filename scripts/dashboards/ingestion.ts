/** Ingestion: queue depth and lag, batches, ack latency, back-pressure, rows stored and rejected. */
import { type DashboardSpec, sel, stat, ts } from './grafana.ts';

const rate = (metric: string, matchers = '') => `rate(${metric}${sel(matchers)}[$__rate_interval])`;
const quantile = (q: number, metric: string) => `histogram_quantile(${q}, sum by (le) (${rate(`${metric}_bucket`)}))`;
const INGEST_ROUTES = 'route=~"/api/v1/agent/[{]agentId[}]/(results|report|inventory)"';

export const ingestion: DashboardSpec = {
  uid: 'agentry-ingestion',
  title: 'agentry / Ingestion',
  description: 'Results, status reports and inventory from agents: queue (or JetStream consumer) depth, batches, latency until durable, back-pressure.',
  rows: [
    {
      title: 'Queue and back-pressure',
      panels: [
        stat('Queued now', 'Rows waiting for the database (batcher) or JetStream messages not yet acked, all instances.', 'short', [{ expr: `sum(ingest_queue_depth${sel()})` }], 50000),
        stat('503s/s', 'Ingestion requests refused with 503 + Retry-After.', 'reqps', [{ expr: `sum(rate(ingest_refused_total${sel()}[5m]))` }], 0.1),
        stat('Ack p95', 'From a request entering the pipeline to its data being durable.', 's', [{ expr: `histogram_quantile(0.95, sum by (le) (rate(ingest_ack_seconds_bucket${sel()}[5m])))` }], 0.5),
        stat('Batch failures/s', 'Transactions that failed and were retried.', 'ops', [{ expr: `sum(rate(ingest_batch_failures_total${sel()}[5m]))` }], 0.01),
        ts('Queue depth / lag', 'Per instance. With NATS it is the consumer lag; without, rows in the in-process queue.', 'short', [{ expr: `ingest_queue_depth${sel()}`, legend: '{{instance}}' }]),
        ts('Back-pressure 503s/s', 'By reason (queue full, stream full, storage failing).', 'reqps', [{ expr: `sum by (reason) (${rate('ingest_refused_total')})`, legend: '{{reason}}' }]),
        ts('Ingestion requests/s', 'Results, status reports and inventory by status.', 'reqps', [
          { expr: `sum by (route, status) (${rate('http_requests_total', INGEST_ROUTES)})`, legend: '{{route}} {{status}}' },
        ]),
        ts('JetStream consumer', 'The shared durable consumer (every instance reports it): lag not yet delivered, delivered but not acked, redelivered.', 'short', [
          { expr: `max(jetstream_consumer_pending_messages${sel()})`, legend: 'pending (lag)' },
          { expr: `max(jetstream_consumer_ack_pending_messages${sel()})`, legend: 'ack pending' },
          { expr: `max(jetstream_consumer_redelivered_messages${sel()})`, legend: 'redelivered' },
        ]),
        ts('Redeliveries/s', 'Messages each instance received again (nak, expired ack wait, crash).', 'ops', [{ expr: `sum by (instance) (${rate('jetstream_redeliveries_total')})`, legend: '{{instance}}' }]),
        ts('Ack-floor purges/s', 'Acknowledged messages a NATS crash left below the consumer ack floor, purged.', 'ops', [{ expr: `sum(${rate('ingest_stream_ack_floor_purged_total')})`, legend: 'purged' }]),
      ],
    },
    {
      title: 'Batches and latency',
      panels: [
        ts('Rows per batch', 'Rows written per transaction.', 'short', [
          { expr: quantile(0.5, 'ingest_batch_rows'), legend: 'p50' },
          { expr: quantile(0.95, 'ingest_batch_rows'), legend: 'p95' },
        ]),
        ts('Requests per batch', 'Requests (or stream messages) per transaction.', 'short', [
          { expr: quantile(0.5, 'ingest_batch_requests'), legend: 'p50' },
          { expr: quantile(0.95, 'ingest_batch_requests'), legend: 'p95' },
        ]),
        ts('Flush duration', 'Time to write and commit one batch.', 's', [
          { expr: quantile(0.5, 'ingest_flush_seconds'), legend: 'p50' },
          { expr: quantile(0.95, 'ingest_flush_seconds'), legend: 'p95' },
        ]),
        ts('Ack latency', 'From request to durable (commit, or JetStream ack).', 's', [
          { expr: quantile(0.5, 'ingest_ack_seconds'), legend: 'p50' },
          { expr: quantile(0.95, 'ingest_ack_seconds'), legend: 'p95' },
          { expr: quantile(0.99, 'ingest_ack_seconds'), legend: 'p99' },
        ]),
        ts('Batches/s', 'Committed ingestion transactions per instance.', 'ops', [{ expr: `sum by (instance) (${rate('ingest_batch_rows_count')})`, legend: '{{instance}}' }]),
      ],
    },
    {
      title: 'Data stored',
      panels: [
        ts('Rows stored/s', 'By kind: sample, snapshot, change, result.', 'ops', [{ expr: `sum by (kind) (${rate('ingest_rows_persisted_total')})`, legend: '{{kind}}' }], { stacked: true }),
        ts('Samples rejected/s', 'Rejected one by one (too old, in the future, malformed, …).', 'ops', [{ expr: `sum by (reason) (${rate('ingest_samples_rejected_total')})`, legend: '{{reason}}' }]),
        ts('Telemetry rows', 'Samples stored, estimated from database statistics (all instances read the same store).', 'short', [{ expr: `max(telemetry_rows${sel()})`, legend: 'rows' }]),
        ts('Telemetry partitions', 'Daily partitions (Postgres) or TimescaleDB chunks; 0 on SQLite.', 'short', [{ expr: `max(telemetry_partitions${sel()})`, legend: 'partitions' }]),
      ],
    },
  ],
};
