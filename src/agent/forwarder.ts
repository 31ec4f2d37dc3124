/**
 * Drains the outbox in order: the head item is sent until the server takes it (2xx: deleted) or refuses it
 * for good (a 4xx other than 408 and 429: deleted, logged and counted, since sending it again would get
 * the same answer and block everything behind it). Anything else — no answer, 5xx, 429 — keeps the item
 * and waits (Retry-After, or exponential backoff with jitter up to 15 s, so that a server back from an outage is found soon) before trying the head again.
 */
import type { Logger } from 'pino';
import { backoffMs } from '../sdk/retrying-fetch.ts';
import type { Outbox } from './outbox.ts';
import type { Transport } from './transport.ts';

export class Forwarder {
  /** Items the server refused for good. */
  rejected = 0;
  delivered = 0;
  /** Consecutive failed attempts at the head item. */
  failures = 0;
  #wake: (() => void) | null = null;
  readonly outbox: Outbox;
  readonly transport: Transport;
  readonly log: Logger;

  constructor(outbox: Outbox, transport: Transport, log: Logger) {
    this.outbox = outbox;
    this.transport = transport;
    this.log = log;
  }

  /** Something was pushed: stop idling. */
  notify(): void {
    this.#wake?.();
  }

  /** Runs until the signal aborts; throws KeyRejectedError out of the loop. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const batch = this.outbox.head(50);
      if (batch.length === 0) {
        await this.#idle(5_000, signal);
        continue;
      }
      for (const item of batch) {
        if (signal.aborted) return;
        const answer = await this.transport.post(item.path, item.body, 30_000);
        if (answer.ok) {
          this.outbox.remove(item.seq);
          this.delivered++;
          this.failures = 0;
          continue;
        }
        if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
          this.log.warn({ kind: item.kind, status: answer.status, body: answer.body }, 'server refused an outbox item; dropped');
          this.outbox.remove(item.seq);
          this.rejected++;
          continue;
        }
        this.failures++;
        const delay = answer.retryAfterMs ?? backoffMs(Math.min(this.failures, 6), 500, 15_000);
        this.log.info({ kind: item.kind, status: answer.status || undefined, error: answer.error, retryInMs: Math.round(delay), queued: this.outbox.size }, 'server unavailable; outbox kept');
        await this.#idle(Math.max(100, delay), signal, false);
        break;
      }
    }
  }

  #idle(ms: number, signal: AbortSignal, wakeOnPush = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeOnPush) this.#wake = done;
    });
  }
}
