/** Token bucket arithmetic on an injected clock: trips at the burst, refills at the rate, says when to retry. */
import { describe, expect, it } from 'vitest';
import { BucketTable, COUNT_WINDOW_MS } from '../../../src/http/rate-limit/token-bucket.ts';

function table(ratePerSec: number, burst: number, maxKeys = 1000) {
  const clock = { now: 0 };
  return { clock, t: new BucketTable({ ratePerSec, burst, maxKeys }, () => clock.now) };
}

describe('BucketTable', () => {
  it('allows the burst at once, then rejects', () => {
    const { t } = table(10, 5);
    const remaining = [];
    for (let i = 0; i < 5; i++) {
      const b = t.take('a');
      expect(b.allowed).toBe(true);
      remaining.push(t.remaining(b));
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const b = t.take('a');
    expect(b.allowed).toBe(false);
    expect(t.remaining(b)).toBe(0);
    expect(b).toMatchObject({ requests: 6, rejections: 1 });
  });

  it('refills continuously at the rate, never above the burst', () => {
    const { t, clock } = table(10, 5);
    for (let i = 0; i < 5; i++) t.take('a');
    clock.now += 99;
    expect(t.take('a').allowed).toBe(false); // 0.99 of a token
    clock.now += 1;
    expect(t.take('a').allowed).toBe(true); // 1.0: one request
    expect(t.take('a').allowed).toBe(false);
    clock.now += 60_000;
    const b = t.take('a');
    expect(b.allowed).toBe(true);
    expect(t.remaining(b)).toBe(4); // capped at the burst of 5, minus this request
  });

  it('says how long to wait: Retry-After until the next token (at least 1 s), Reset until full', () => {
    const { t, clock } = table(0.5, 2); // a token every 2 s
    t.take('a');
    const empty = t.take('a');
    expect(t.retryAfterSeconds(empty)).toBe(2);
    expect(t.resetSeconds(empty)).toBe(4);
    clock.now += 1000; // half a token
    const rejected = t.take('a');
    expect(rejected.allowed).toBe(false);
    expect(t.retryAfterSeconds(rejected)).toBe(1);
    expect(t.resetSeconds(rejected)).toBe(3);

    const fast = table(100, 10).t; // the next token in 10 ms still says 1 s: Retry-After is whole seconds
    for (let i = 0; i < 10; i++) fast.take('b');
    expect(fast.retryAfterSeconds(fast.take('b'))).toBe(1);
  });

  it('keeps one bucket per key', () => {
    const { t } = table(1, 1);
    expect(t.take('a').allowed).toBe(true);
    expect(t.take('a').allowed).toBe(false);
    expect(t.take('b').allowed).toBe(true);
  });

  it('drops the least recently used buckets beyond its bound', () => {
    const { t, clock } = table(1, 1, 4); // generations of 2 keys
    for (const key of ['a', 'b', 'c']) t.take(key);
    clock.now += 10;
    t.take('a'); // a is used again: it stays
    t.take('d'); // b was not used for a whole generation: dropped
    expect(t.size).toBe(3);
    expect(t.take('a').allowed).toBe(false); // kept: still empty
    expect(t.take('c').allowed).toBe(false);
    expect(t.take('b').allowed).toBe(true); // dropped: starts full again
  });

  it('never holds more than its bound, and counts each bucket once', () => {
    const { t } = table(1, 1, 100);
    for (let i = 0; i < 1000; i++) {
      t.take(`k${i}`);
      t.take(`k${i >> 1}`);
      expect(t.size).toBeLessThanOrEqual(100);
    }
    const keys = [...t.recent()].map((b) => b.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(t.size);
  });

  it('counts requests and rejections per window and reports recent buckets', () => {
    const { t, clock } = table(1, 1);
    t.take('a');
    t.take('a');
    expect([...t.recent()].map((b) => [b.key, b.requests, b.rejections])).toEqual([['a', 2, 1]]);
    clock.now += COUNT_WINDOW_MS;
    expect([...t.recent()]).toEqual([]); // not seen within the window
    const b = t.take('a');
    expect(b).toMatchObject({ requests: 1, rejections: 0, windowStart: COUNT_WINDOW_MS });
    expect(t.tokensNow(b, clock.now + 500)).toBeCloseTo(0.5);
  });
});
