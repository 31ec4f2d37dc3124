/**
 * Request deadlines: a request that has not been answered within the deadline fails with 504. Every routed
 * request passes through here, so instead of a timer and a Promise.race each, in-flight requests sit in
 * one set that a single coarse timer sweeps (the timer runs only while something is in flight). A deadline
 * fires up to one sweep interval late, which is nothing against a timeout measured in seconds.
 */
import { HTTPException } from 'hono/http-exception';

interface Pending {
  expiresAt: number;
  reject: (err: unknown) => void;
}

export class Deadlines {
  private readonly pending = new Set<Pending>();
  private readonly timeoutMs: number;
  private readonly sweepMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly expired: (timeoutMs: number) => unknown;

  /**
   * `timeoutMs` 0 disables deadlines. `expired` makes the rejection of work past its deadline (default:
   * 504); it may name a failing dependency instead (a 503).
   */
  constructor(timeoutMs: number, expired: (timeoutMs: number) => unknown = gatewayTimeout) {
    this.timeoutMs = timeoutMs;
    this.expired = expired;
    this.sweepMs = Math.min(250, Math.max(10, Math.floor(timeoutMs / 10)));
  }

  /** Runs `work`; rejects with 504 when it has not settled by the deadline (its eventual result is dropped). */
  run<T>(work: () => T | Promise<T>): T | Promise<T> {
    if (this.timeoutMs <= 0) return work();
    const result = work();
    if (!(result instanceof Promise)) return result;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { expiresAt: performance.now() + this.timeoutMs, reject };
      this.pending.add(entry);
      this.timer ??= setInterval(() => this.sweep(), this.sweepMs).unref();
      result.then(
        (value) => {
          this.pending.delete(entry);
          resolve(value);
        },
        (err: unknown) => {
          this.pending.delete(entry);
          reject(err);
        },
      );
    });
  }

  /** How many requests are waiting on a deadline (tests). */
  get size(): number {
    return this.pending.size;
  }

  private sweep(): void {
    const now = performance.now();
    for (const entry of this.pending) {
      if (entry.expiresAt > now) continue;
      this.pending.delete(entry);
      entry.reject(this.expired(this.timeoutMs));
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

function gatewayTimeout(timeoutMs: number): HTTPException {
  return new HTTPException(504, { message: `no answer within ${timeoutMs} ms` });
}
