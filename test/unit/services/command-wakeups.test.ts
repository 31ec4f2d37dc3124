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

describe('command wake-ups', () => {
  it('wakes only the parked agents the check names, with one check per commit', async () => {
    const { feed, commit: send } = fakeFeed();
    const checks: string[] = [];
    const wakeups = new CommandWakeups(feed, new AbortController().signal, async (tenantId) => {
      checks.push(tenantId);
      return ['a1', 'elsewhere'];
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000);
    const a2 = wakeups.wait('t1', 'a2', 10_000);
    send(commit('t1', ['agent_updated']));
    send(commit('t2', ['command_created']));
    expect(checks).toEqual([]); // no waking type, or nobody parked in the tenant
    send(commit('t1', ['command_created']));
    expect(await settled(a1.woken)).toBe(true);
    expect(await settled(a2.woken)).toBe('parked');
    expect(checks).toEqual(['t1']);
    expect(wakeups.waiting).toBe(1);
    a2.cancel();
    expect(wakeups.waiting).toBe(0);
  });

  it('checks again after a check when a commit arrived during it, and wakes everyone when the check fails', async () => {
    const { feed, commit: send } = fakeFeed();
    let calls = 0;
    let release!: () => void;
    const wakeups = new CommandWakeups(feed, new AbortController().signal, async () => {
      calls++;
      if (calls === 1) {
        await new Promise<void>((r) => (release = r));
        return [];
      }
      throw new Error('database down');
    });
    const a1 = wakeups.wait('t1', 'a1', 10_000);
    const a2 = wakeups.wait('t1', 'a2', 10_000);
    send(commit('t1', ['command_rollout_slot_freed']));
    send(commit('t1', ['command_cancelled']));
    send(commit('t1')); // unknown types count as waking
    expect(calls).toBe(1);
    release();
    expect(await settled(a1.woken)).toBe(true);
    expect(await settled(a2.woken)).toBe(true);
    expect(calls).toBe(2);
  });
});
