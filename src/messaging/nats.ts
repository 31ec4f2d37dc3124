/**
 * The NATS connection, when configured. Features publish and subscribe through it (events, ingestion);
 * for now it serves readiness. Reconnects forever in the background; readiness reports it while it is down.
 */
import { connect, type NatsConnection } from 'nats';
import type { Logger } from '../observability/logger.ts';

export interface Messaging {
  connection: NatsConnection;
  /** False from a disconnection until the reconnection: core messages (the event fan-out) sent meanwhile are lost. */
  connected(): boolean;
  /** Called after each reconnection. */
  onReconnect(listener: () => void): void;
  /** Round trip to the server (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function connectNats(url: string, log: Logger): Promise<Messaging> {
  // noAsyncTraces: requests (every JetStream publish) would otherwise capture a stack trace each, for
  // error context we do not need; it was the costliest frame of a JetStream publish.
  const connection = await connect({ servers: url, name: 'agentry', maxReconnectAttempts: -1, reconnectTimeWait: 1000, timeout: 5000, noAsyncTraces: true });
  let up = true;
  const reconnected: (() => void)[] = [];
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') log.warn({ nats: status.type, data: String(status.data) }, 'nats status');
      if (status.type === 'disconnect') up = false;
      if (status.type === 'reconnect') {
        up = true;
        for (const listener of reconnected) listener();
      }
    }
  })();
  return {
    connection,
    connected: () => up && !connection.isClosed(),
    onReconnect: (listener) => reconnected.push(listener),
    async ping() {
      if (connection.isClosed()) throw new Error('connection closed');
      await connection.flush();
    },
    async close() {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}
