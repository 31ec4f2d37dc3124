/**
 * Token buckets in memory, one per key, in a table bounded by a least-recently-used cap. A bucket holds up
 * to `burst` tokens and refills continuously at `ratePerSec`; a request takes one. A check is a map lookup
 * and a few arithmetic operations: nothing is allocated except the first time a key is seen.
 */

/** Requests and rejections are counted per client over windows of this length (for the admin report). */
export const COUNT_WINDOW_MS = 60_000;

export interface Bucket {
  readonly key: string;
  tokens: number;
  /** Clock reading (ms) of the last refill, which is also the last time the key was seen. */
  updatedAt: number;
  /** Outcome of the last `take`. */
  allowed: boolean;
  /** Start of the current counting window, and the counts in it. */
  windowStart: number;
  requests: number;
  rejections: number;
}

export interface BucketLimits {
  ratePerSec: number;
  burst: number;
  /** Buckets kept; beyond this the least recently used one is dropped (it restarts full). */
  maxKeys: number;
}

export class BucketTable {
  readonly ratePerSec: number;
  readonly burst: number;
  private readonly maxKeys: number;
  private readonly perMs: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  /** `now` is a monotonic clock in milliseconds (tests inject their own). */
  constructor(limits: BucketLimits, now: () => number = performance.now.bind(performance)) {
    this.ratePerSec = limits.ratePerSec;
    this.burst = limits.burst;
    this.maxKeys = limits.maxKeys;
    this.perMs = limits.ratePerSec / 1000;
    this.now = now;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token from `key`'s bucket. The bucket's `allowed` tells whether there was one. */
  take(key: string): Bucket {
    const now = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = { key, tokens: this.burst, updatedAt: now, allowed: true, windowStart: now, requests: 0, rejections: 0 };
    } else {
      // Re-inserting keeps the map in least-recently-used order, so eviction takes the first key.
      this.buckets.delete(key);
      const refilled = b.tokens + (now - b.updatedAt) * this.perMs;
      b.tokens = refilled < this.burst ? refilled : this.burst;
      b.updatedAt = now;
      if (now - b.windowStart >= COUNT_WINDOW_MS) {
        b.windowStart = now;
        b.requests = 0;
        b.rejections = 0;
      }
    }
    this.buckets.set(key, b);
    b.requests++;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.allowed = true;
    } else {
      b.allowed = false;
      b.rejections++;
    }
    return b;
  }

  /** Whole tokens left (what `RateLimit-Remaining` says). */
  remaining(b: Bucket): number {
    return Math.floor(b.tokens);
  }

  /** Seconds until the bucket is full again (`RateLimit-Reset`). */
  resetSeconds(b: Bucket): number {
    return Math.ceil((this.burst - b.tokens) / this.ratePerSec);
  }

  /** Seconds until the next token (`Retry-After`): at least 1. */
  retryAfterSeconds(b: Bucket): number {
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSec));
  }

  /** Tokens the bucket holds at this moment, counting the refill since it was last used. */
  tokensNow(b: Bucket, now: number = this.now()): number {
    return Math.min(this.burst, b.tokens + (now - b.updatedAt) * this.perMs);
  }

  /** Buckets used within the last counting window, least recently used first. */
  *recent(now: number = this.now()): IterableIterator<Bucket> {
    for (const b of this.buckets.values()) if (now - b.updatedAt < COUNT_WINDOW_MS) yield b;
  }

  clock(): number {
    return this.now();
  }
}
