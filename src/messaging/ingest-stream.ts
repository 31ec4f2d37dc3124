/**
 * Ingestion through NATS JetStream. Requests publish their item and answer 202 after the stream's ack
 * (the message is then stored by JetStream). A durable pull consumer, shared by every instance, drains
 * the stream in batches: one transaction per batch, then the messages are acked. A crash between commit
 * and ack redelivers the messages; the write is idempotent (samples keyed by agent, metric, labels and
 * ts; a snapshot not newer than the stored one is skipped), so nothing is stored twice. This file sets up
 * the stream and its consumer; the publishing side is ingest-stream-publisher.ts, the consumer's writer
 * ingest-stream-writer.ts.
 */
import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, type NatsConnection } from 'nats';
import type { Logger } from '../observability/logger.ts';
import type { IngestMetrics } from '../observability/ingest-metrics.ts';
import type { BatchWriter, IngestSink } from '../services/ingest/sink.ts';
import { startAckFloorPurge } from './ack-floor-purge.ts';
import { ConsumerDepth } from './consumer-depth.ts';
import { StreamPublisher } from './ingest-stream-publisher.ts';
import { StreamWriter } from './ingest-stream-writer.ts';

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
/** How often acknowledged messages left below the ack floor are looked for (see ack-floor-purge.ts). */
const ACK_FLOOR_CHECK_MS = 5_000;
/**
 * Messages asked for by one pull, counted rather than sized. nats.js bounds a byte-sized pull with a count
 * too (100 messages), and when the server ends a pull on that count the bytes left unused stay booked as
 * pending: after a backlog of small messages (telemetry) each new pull asks for fewer bytes than one large
 * message (a result batch, ~200 KB) holds, the server refuses every pull, and nothing is delivered until the
 * subscription is reset (13 s and more in the bench: 2 million results acknowledged and not written;
 * `ingest-stream-writers.test.ts` shows it). Counts are accounted exactly. 16 messages of at most
 * MESSAGE_BYTES (ingest-stream-publisher.ts) keep what waits in nats.js's queue within 4 MiB (an item
 * larger than that travels alone, up to NATS's max_payload).
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
