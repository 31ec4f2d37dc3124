import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { EventFeed } from '../../../src/services/events/feed.ts';
import { CommandWakeups } from '../../../src/services/commands/wakeups.ts';
import { BUCKET_MS, ParkedPolls } from '../../../src/services/commands/parked-polls.ts';

const settled = (p: Promise<boolean>, ms = 50) => Promise.race([p, new Promise<'parked'>((r) => setTimeout(() => r('parked'), ms))]);
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('parked command polls', () => {
  it('wakes every poll of one agent, ends waits at their deadline (within one bucket), and tells when a tenant empties', async () => {
    const emptied: string[] = [];
    const polls = new ParkedPolls((t) => emptied.push(t));
    const a1 = polls.wait('t1', 'a1', 10_000);
    const a1again = polls.wait('t1', 'a1', 10_000);
    const a2 = polls.wait('t1', 'a2', 10_000);
    const other = polls.wait('t2', 'a1', 10_000); // same agent id under another tenant: not woken by t1's wake
    expect(polls.size).toBe(4);
    expect([...polls.agentsOf('t1')]).toEqual(['a1', 'a2']);
    polls.wake('t1', 'a1');
    expect(await a1.woken).toBe(true);
    expect(await a1again.woken).toBe(true);
    expect(await settled(a2.woken)).toBe('parked');
    expect(await settled(other.woken)).toBe('parked');
    a2.cancel();
    expect(await a2.woken).toBe(false);
    expect(emptied).toEqual(['t1']);
    expect(polls.hasTenant('t1')).toBe(false);
    const started = Date.now();
    const short = polls.wait('t3', 'a3', 150);
    expect(await short.woken).toBe(false);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(150 + BUCKET_MS + 100);
    polls.close();
    expect(await other.woken).toBe(false);
    expect(await polls.wait('t1', 'a1', 10_000).woken).toBe(false); // closed: returns at once
    expect(polls.size).toBe(0);
  });

  it('reserves only idle polls; a reserved poll hears nothing else and gets the answer handed over, or looks again', async () => {
    const emptied: string[] = [];
    const polls = new ParkedPolls((t) => emptied.push(t));
    const looking = polls.wait('t1', 'a1', 10_000);
    expect(polls.reserve('t1', 'a1')).toBeNull(); // its look is still under way: it may answer with what it finds
    looking.idle();
    expect(polls.reserve('t2', 'a1')).toBeNull(); // another tenant
    const reserved = polls.reserve('t1', 'a1')!;
    expect(polls.size).toBe(0);
    expect(emptied).toEqual(['t1']);
    polls.wake('t1', 'a1');
    looking.cancel(); // the client went away meanwhile: the answer is handed over all the same
    expect(await settled(looking.woken)).toBe('parked');
    const answer = { delivered: [], cancel: ['c1'] };
    reserved.handOver(answer);
    expect(await settled(looking.woken)).toBe(true);
    expect(looking.handed).toBe(answer);

    const second = polls.wait('t1', 'a2', 150);
    second.idle();
    const back = polls.reserve('t1', 'a2')!;
    await new Promise((r) => setTimeout(r, 150 + 2 * BUCKET_MS)); // past its deadline: the sweep no longer ends it
    expect(await settled(second.woken)).toBe('parked');
    back.giveBack();
    expect(await settled(second.woken)).toBe(true);
    expect(second.handed).toBeNull();
    polls.close();
    const late = polls.wait('t1', 'a3', 10_000);
    late.idle();
    expect(polls.reserve('t1', 'a3')).toBeNull();
  });

  it('holds no timer per parked poll', async () => {
    const polls = new ParkedPolls();
    const before = timers();
    const waits = Array.from({ length: 1000 }, (_, i) => polls.wait('t1', `a${i}`, 1000 + i * 37));
    expect(timers() - before).toBeLessThanOrEqual(1);
    polls.close();
    await Promise.all(waits.map((w) => w.woken));
    expect(timers()).toBe(before); // the sweep timer goes with the last poll
  });

  it('costs a few hundred bytes of heap per parked poll', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Only onCommit is used by CommandWakeups; no commit is sent here.
    const feed = { onCommit: () => {} } as unknown as EventFeed;
    const shutdown = new AbortController();
    const wakeups = new CommandWakeups(feed, shutdown.signal, async () => ({ agentIds: [], nextDueAt: null }));
    const count = 20_000;
    const ids = Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await new Promise((r) => setImmediate(r));
    gc();
    const before = process.memoryUsage().heapUsed;
    const waiters = ids.map((id) => wakeups.wait('tenant', id, 60_000));
    await new Promise((r) => setImmediate(r));
    gc();
    const perPoll = (process.memoryUsage().heapUsed - before) / count;
    expect(wakeups.waiting).toBe(count);
    shutdown.abort();
    await Promise.all(waiters.map((w) => w.woken));
    expect(perPoll).toBeGreaterThan(0);
    expect(perPoll).toBeLessThan(400);
  });
});
