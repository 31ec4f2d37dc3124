import { afterEach, describe, expect, it, vi } from 'vitest';
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

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves false at the deadline, not before', async () => {
    vi.useFakeTimers();
    const n = new EventNotifier();
    let settled: boolean | undefined;
    void n.wait('t', 0, 50).woken.then((woken) => (settled = woken));
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBeUndefined();
    expect(n.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(false);
    expect(n.waiting).toBe(0);
  });

  it('a commit before the deadline wins, and the deadline then does nothing', async () => {
    vi.useFakeTimers();
    const n = new EventNotifier();
    const w = n.wait('t', 0, 50);
    n.committed('t', 1);
    expect(await w.woken).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  // Memory per parked waiter is measured by `npm run bench:notifier`, not asserted here (heap figures
  // depend on the garbage collector's timing).
  it('parks 10k waiters and releases them all on close', async () => {
    const n = new EventNotifier();
    const waiters = Array.from({ length: 10_000 }, (_, i) => n.wait(`tenant-${i % 100}`, 0, 60_000));
    expect(n.waiting).toBe(10_000);
    n.committed('tenant-7', 1);
    expect(n.waiting).toBe(9_900);
    n.close();
    expect(await Promise.all(waiters.map((w) => w.woken))).toHaveLength(10_000);
    expect(n.waiting).toBe(0);
    expect(await n.wait('t', 0, 1000).woken).toBe(false); // closed: returns at once
  });
});
