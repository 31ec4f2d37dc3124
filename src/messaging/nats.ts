/**
 * The NATS connection, when configured. Features publish and subscribe through it (events, ingestion);
 * for now it serves readiness. Reconnects forever in the background; readiness reports it while it is down.
 */
import { connect, type NatsConnection } from 'nats';
import type { Logger } from '../observability/logger.ts';

export interface Messaging {
  connection: NatsConnection;
  /** Round trip to the server (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function connectNats(url: string, log: Logger): Promise<Messaging> {
  // noAsyncTraces: requests (every JetStream publish) would otherwise capture a stack trace each, for
  // error context we do not need; it was the costliest frame of a JetStream publish.
  const connection = await connect({ servers: url, name: 'agentry', maxReconnectAttempts: -1, reconnectTimeWait: 1000, timeout: 5000, noAsyncTraces: true });
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') log.warn({ nats: status.type, data: String(status.data) }, 'nats status');
    }
  })();
  return {
    connection,
    async ping() {
      if (connection.isClosed()) throw new Error('connection closed');
      await connection.flush();
    },
    async close() {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}
