/**
 * Chooses the ingestion pipeline: with NATS configured, JetStream (202 after the publish ack, a durable
 * consumer writes batches); otherwise the in-process batcher (202 after the group commit). Both write
 * through IngestRepository.writeBatch with the inventory differ and the reachability rule (check results).
 */
import type { Registry } from 'prom-client';
import type { Config } from './config/types.ts';
import { startIngestStream } from './messaging/ingest-stream.ts';
import type { Messaging } from './messaging/nats.ts';
import { registerIngestMetrics, type IngestMetrics } from './observability/ingest-metrics.ts';
import type { Logger } from './observability/logger.ts';
import type { Repositories } from './repositories/types.ts';
import { IngestBatcher } from './services/ingest/batcher.ts';
import type { BatchWriter, IngestSink } from './services/ingest/sink.ts';
import { diffInventory } from './services/inventory/diff.ts';
import { reachabilityEvent } from './services/results/reachability.ts';

export interface IngestPipeline {
  sink: IngestSink;
  metrics: IngestMetrics;
}

export async function startIngestPipeline(config: Config['ingest'], repos: Repositories, messaging: Messaging | undefined, registry: Registry, log: Logger, poolSize: number): Promise<IngestPipeline> {
  let sink: IngestSink | undefined;
  const metrics = registerIngestMetrics(
    registry,
    () => sink?.depth() ?? 0,
    () => sink?.backlog?.(),
  );
  const write: BatchWriter = (items) => repos.ingest.writeBatch(items, diffInventory, reachabilityEvent);
  const pipelineLog = log.child({ component: 'ingest' });
  // Postgres: several transactions in flight overlap their commits' disk waits; half the pool at most,
  // so that reads keep connections. SQLite writes synchronously: one.
  const concurrency = repos.dialect === 'postgres' ? Math.max(1, Math.min(4, Math.floor(poolSize / 2))) : 1;
  if (messaging) {
    // A message is one request; the consumer writes up to flushMaxRows / 10 of them per transaction
    // (requests carry about 10 samples on average).
    const batchMessages = Math.max(1, Math.floor(config.flushMaxRows / 10));
    sink = await startIngestStream(messaging.connection, write, { ...config, batchMessages, writers: concurrency }, metrics, pipelineLog);
  } else {
    sink = new IngestBatcher(write, { ...config, concurrency }, metrics, pipelineLog);
  }
  return { sink, metrics };
}
