import { describe, expect, it } from 'vitest';
import { EventNotifier } from '../../../src/services/events/notifier.ts';

describe('EventNotifier', () => {
  it('wakes only waiters of the tenant that are behind the committed offset', async () => {
    const n = new EventNotifier();
    const a = n.wait('t1', 5, 10_000);
    const b = n.wait('t1', 9, 10_000);
    const c = n.wait('t2', 0, 10_000);
    n.committed('t1', 7);
    expect(await a.woken).toBe(true);
    expect(n.waiting).toBe(2);
    n.committed('t1', 10);
    expect(await b.woken).toBe(true);
    c.cancel();
    expect(await c.woken).toBe(false);
    expect(n.waiting).toBe(0);
  });

  it('resolves false at the deadline', async () => {
    const n = new EventNotifier();
    const started = Date.now();
    expect(await n.wait('t', 0, 50).woken).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(n.waiting).toBe(0);
  });

  it('parks 10k waiters cheaply and releases them all on close', async () => {
    const n = new EventNotifier();
    const before = process.memoryUsage().heapUsed;
    const waiters = Array.from({ length: 10_000 }, (_, i) => n.wait(`tenant-${i % 100}`, 0, 60_000));
    expect(n.waiting).toBe(10_000);
    // A few hundred bytes each, far from a per-waiter database poll or buffer.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(30 * 1024 * 1024);
    n.committed('tenant-7', 1);
    expect(n.waiting).toBe(9_900);
    n.close();
    expect(await Promise.all(waiters.map((w) => w.woken))).toHaveLength(10_000);
    expect(n.waiting).toBe(0);
    expect(await n.wait('t', 0, 1000).woken).toBe(false); // closed: returns at once
  });
});
