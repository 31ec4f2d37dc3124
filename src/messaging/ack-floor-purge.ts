/**
 * Removes messages that sit below the ingestion consumer's ack floor. After a SIGKILL, nats-server (seen
 * with 2.9) can keep acknowledged messages in the work-queue stream: they were written and acked, are never
 * delivered again, and nothing removes them. Each crash leaves up to a few thousand; since the stream
 * refuses new messages when full (discard: new), enough crashes would turn every ingest into a 503. The
 * stream has a single consumer: when it has nothing undelivered and nothing awaiting ack, every stored
 * message at or below its ack floor has been written, and purging them loses nothing. Checked
 * periodically (one or two JetStream API calls), from every instance (purging twice is harmless); under
 * continuous load the leftovers wait for a moment when the consumer has caught up.
 */
import type { JetStreamManager } from 'nats';
import type { Logger } from '../observability/logger.ts';

export interface AckFloorPurge {
  stop(): void;
}

export function startAckFloorPurge(jsm: JetStreamManager, stream: string, durable: string, intervalMs: number, onPurged: (count: number) => void, log: Logger): AckFloorPurge {
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const purged = await purgeBelowAckFloor(jsm, stream, durable);
      if (purged > 0) {
        onPurged(purged);
        log.warn({ stream, purged }, 'purged acknowledged messages left below the consumer ack floor (after a NATS crash)');
      }
    } catch (err) {
      // NATS unreachable or restarting: the next check tries again.
      log.debug({ err }, 'ack floor check failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs).unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * Purges the stream's messages at or below the consumer's ack floor; returns how many. Only while the
 * consumer is idle and consistent: nothing undelivered, nothing awaiting ack, and the ack floor at the last
 * delivered message. Purging up to the floor while messages were awaiting redelivery (after a crash and a
 * failed write) lost acknowledged data in the fault-injection runs: the floor reported then cannot be
 * trusted to be below every message still owed a delivery.
 */
export async function purgeBelowAckFloor(jsm: JetStreamManager, stream: string, durable: string): Promise<number> {
  const consumer = await jsm.consumers.info(stream, durable);
  const floor = consumer.ack_floor.stream_seq;
  if (consumer.num_pending !== 0 || consumer.num_ack_pending !== 0 || floor !== consumer.delivered.stream_seq) return 0;
  const { state } = await jsm.streams.info(stream);
  if (state.messages === 0 || state.first_seq > floor) return 0;
  // `seq`: purge every message below this sequence. A message published meanwhile comes after `floor`.
  const { purged } = await jsm.streams.purge(stream, { seq: floor + 1 });
  return purged;
}
