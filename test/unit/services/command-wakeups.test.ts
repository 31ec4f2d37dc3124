import { describe, expect, it } from 'vitest';
import type { CommittedEvents } from '../../../src/domain/event.ts';
import type { EventFeed } from '../../../src/services/events/feed.ts';
import { CommandWakeups } from '../../../src/services/commands/wakeups.ts';

/** A feed whose commits the test sends by hand. */
function fakeFeed() {
  const listeners: ((c: CommittedEvents) => void)[] = [];
  // Only onCommit is used by CommandWakeups; the rest of the feed is irrelevant here.
  const feed = { onCommit: (l: (c: CommittedEvents) => void) => listeners.push(l) } as unknown as EventFeed;
  const send = (c: CommittedEvents) => {
    for (const l of listeners) l(c);
  };
  return { feed, commit: send };
}
const commit = (tenantId: string, types?: string[]): CommittedEvents => ({ tenantId, lastOffset: 1, count: 1, types });
const settled = (p: Promise<boolean>) => Promise.race([p, new Promise<'parked'>((r) => setTimeout(() => r('parked'), 50))]);

const work = (agentIds: string[], nextDueAt: Date | null = null) => ({ agentIds, nextDueAt });
const tick = () => new Promise((r) => setImmediate(r));

describe('command wake-ups', () => {
  it('wakes only the parked agents the check names, with one check per commit (and one when a tenant first parks)', async () => {
    const { feed, commit: send } = fakeFeed();
    const checks: string[] = [];
    let answer = work(['a1']);
    const wakeups = new CommandWakeups(feed, new AbortController().signal, async (tenantId) => {
      checks.push(tenantId);
      return answer;
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000);
    const a2 = wakeups.wait('t1', 'a2', 10_000);
    await tick();
    expect(checks).toEqual(['t1']); // the tenant's first parked poll: learns what is due, wakes nobody
    expect(await settled(a1.woken)).toBe('parked');
    send(commit('t1', ['agent_updated']));
    send(commit('t2', ['command_created']));
    expect(checks).toEqual(['t1']); // no waking type, or nobody parked in the tenant
    answer = work(['a1', 'elsewhere']);
    send(commit('t1', ['command_created']));
    expect(await settled(a1.woken)).toBe(true);
    expect(await settled(a2.woken)).toBe('parked');
    expect(checks).toEqual(['t1', 't1']);
    expect(wakeups.waiting).toBe(1);
    a2.cancel();
    expect(wakeups.waiting).toBe(0);
  });

  it('wakes the agents a commit names at once, without waiting for the check (which still runs)', async () => {
    const { feed, commit: send } = fakeFeed();
    let checks = 0;
    let release!: (w: ReturnType<typeof work>) => void;
    const wakeups = new CommandWakeups(feed, new AbortController().signal, () => {
      checks++;
      // The first park's check answers; every later one hangs until released.
      return checks === 1 ? Promise.resolve(work([])) : new Promise((r) => (release = r));
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000);
    const a2 = wakeups.wait('t1', 'a2', 10_000);
    await tick();
    send({ ...commit('t1', ['command_created']), wakes: ['a1', 'not-parked'] });
    send({ ...commit('t2', ['command_created']), wakes: ['a2'] }); // another tenant's agent of the same id
    expect(await settled(a1.woken)).toBe(true);
    expect(await settled(a2.woken)).toBe('parked');
    expect(checks).toBe(2); // the check still runs, for what the hint does not say
    release(work(['a2']));
    expect(await settled(a2.woken)).toBe(true);
  });

  it('checks again after a check when a commit arrived during it, and wakes everyone when the check fails', async () => {
    const { feed, commit: send } = fakeFeed();
    let calls = 0;
    let release!: () => void;
    const wakeups = new CommandWakeups(feed, new AbortController().signal, async () => {
      calls++;
      if (calls === 2) {
        await new Promise<void>((r) => (release = r));
        return work([]);
      }
      if (calls === 3) throw new Error('database down');
      return work([]);
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000); // first park: check 1
    const a2 = wakeups.wait('t1', 'a2', 10_000);
    await tick();
    send(commit('t1', ['command_created'])); // check 2 starts and hangs
    send(commit('t1', ['command_rollout_slot_freed']));
    send(commit('t1', ['command_cancelled']));
    send(commit('t1')); // unknown types count as waking
    expect(calls).toBe(2);
    release();
    expect(await settled(a1.woken)).toBe(true);
    expect(await settled(a2.woken)).toBe(true);
    expect(calls).toBe(3);
  });

  it('checks again when the next deferred execution is due, whether known at the first park or from a later commit', async () => {
    const { feed, commit: send } = fakeFeed();
    const checkedAt: number[] = [];
    let dueAt = Date.now() + 150;
    const wakeups = new CommandWakeups(feed, new AbortController().signal, async (_tenantId, now) => {
      checkedAt.push(now.getTime());
      return now.getTime() >= dueAt ? work(['a1']) : work([], Number.isFinite(dueAt) ? new Date(dueAt) : null);
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000);
    expect(await settled(a1.woken)).toBe('parked');
    expect(await a1.woken).toBe(true);
    expect(checkedAt).toHaveLength(2);
    expect(checkedAt[1]!).toBeGreaterThanOrEqual(dueAt);
    expect(checkedAt[1]! - dueAt).toBeLessThan(100);

    // Parked with nothing deferred; then a commit (from any instance) brings a command due shortly.
    dueAt = Number.POSITIVE_INFINITY;
    const again = wakeups.wait('t1', 'a1', 10_000);
    await tick();
    dueAt = Date.now() + 150;
    send(commit('t1', ['command_created']));
    expect(await settled(again.woken)).toBe('parked');
    expect(await again.woken).toBe(true);
    expect(checkedAt.at(-1)!).toBeGreaterThanOrEqual(dueAt);
  });
});
