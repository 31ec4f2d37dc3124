/**
 * Wakes agents parked in a command poll when there may be something for them, here or (through the event
 * fan-out over NATS) on another instance. A commit of the tenant carrying `command_created`,
 * `command_cancelled` or `command_rollout_slot_freed` (or of unknown types) starts one check: a single
 * query names the tenant's agents with an execution a poll would release now or a cancel request, and only
 * those of them parked here are woken. Without it every parked poll of the tenant ran its own delivery query
 * on every command (10,000 queries for a command to one agent). Checks of a tenant do not overlap: a
 * commit arriving during one runs another after it, so nothing committed after a check began is missed.
 *
 * A command deferred by `notBefore` commits nothing when it becomes due, so each check also learns when the
 * tenant's next deferred execution is due and sets one timer per tenant that checks again then. The first
 * poll a tenant parks on this instance runs a check too, since commits seen while nobody was parked here
 * (or before this process started) set no timer; that check only sets the timer and wakes nobody (the poll
 * looks for itself, and an agent held back by a rollout limit would otherwise wake itself again and again).
 * A commit whose events name the agents they gave work (`wakes`: a command to a few agents) wakes those
 * first, without waiting for the check's query. Lives as long as the process.
 */
import type { PollWork } from '../../domain/command.ts';
import type { CommittedEvents } from '../../domain/event.ts';
import type { EventFeed } from '../events/feed.ts';
import { type CommandWaiter, ParkedPolls, type ReservedPoll } from './parked-polls.ts';

const WAKING_TYPES: ReadonlySet<string> = new Set(['command_created', 'command_cancelled', 'command_rollout_slot_freed']);

/** Agents of the tenant that a poll would now give an execution or a cancel request, and when the next deferred one is due (any instance's view of the database). */
export type PollWorkOf = (tenantId: string, now: Date) => Promise<PollWork>;

/** Longest a due timer waits before checking again (a timer's own limit is ~24.8 days; a check resets it anyway). */
const MAX_DUE_DELAY_MS = 3_600_000;

export class CommandWakeups {
  /** The polls parked here, by tenant and agent; a tenant's due timer goes when its last poll ends. */
  private readonly parked = new ParkedPolls((tenantId) => this.clearDue(tenantId));
  /** Tenants with a check under way; true when another commit asked for one meanwhile. */
  private readonly checking = new Map<string, boolean>();
  /** Per tenant with parked polls: the timer that checks again when its next deferred execution is due. */
  private readonly dueTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly pollWork: PollWorkOf;

  /** Subscribes to the feed's commits and ends every wait (and due timer) on `shutdown`. */
  constructor(feed: EventFeed, shutdown: AbortSignal, pollWork: PollWorkOf) {
    this.pollWork = pollWork;
    feed.onCommit((c) => this.observe(c));
    shutdown.addEventListener(
      'abort',
      () => {
        this.parked.close();
        for (const tenantId of [...this.dueTimers.keys()]) this.clearDue(tenantId);
      },
      { once: true },
    );
  }

  /** Pollers parked now (for the metrics gauge). */
  get waiting(): number {
    return this.parked.size;
  }

  wait(tenantId: string, agentId: string, timeoutMs: number): CommandWaiter {
    const first = !this.parked.hasTenant(tenantId);
    const waiter = this.parked.wait(tenantId, agentId, timeoutMs);
    if (first && this.parked.hasTenant(tenantId)) this.check(tenantId, false);
    return waiter;
  }

  /** One poll parked here for each of the agents that has one, taken out for a submit to answer (`ParkedPolls.reserve`). */
  reserve(tenantId: string, agentIds: readonly string[]): Map<string, ReservedPoll> {
    const reserved = new Map<string, ReservedPoll>();
    if (!this.parked.hasTenant(tenantId)) return reserved;
    for (const id of agentIds) {
      const poll = this.parked.reserve(tenantId, id);
      if (poll) reserved.set(id, poll);
    }
    return reserved;
  }

  private observe(c: CommittedEvents): void {
    // Agents the commit names as having work wake at once; the check still runs (it also learns when
    // deferred work is due, and finds the work of events that name nobody), and wakes nobody twice: a poll
    // woken here has left its waiter, and its next waiter only makes it look once more.
    if (c.wakes && this.parked.hasTenant(c.tenantId)) for (const id of c.wakes) this.parked.wake(c.tenantId, id);
    if (!c.types || c.types.some((t) => WAKING_TYPES.has(t))) this.check(c.tenantId);
  }

  /** `wake` false: only learn when the next deferred execution is due (a check under way will tell that too). */
  private check(tenantId: string, wake = true): void {
    if (!this.parked.hasTenant(tenantId)) return;
    if (this.checking.has(tenantId)) {
      if (wake) this.checking.set(tenantId, true);
      return;
    }
    this.checking.set(tenantId, false);
    this.pollWork(tenantId, new Date())
      .then(
        ({ agentIds, nextDueAt }) => {
          if (wake) for (const id of agentIds) this.parked.wake(tenantId, id);
          this.scheduleDue(tenantId, nextDueAt);
        },
        // The check failed (database hiccup): every parked poll of the tenant looks for itself.
        () => {
          if (wake) for (const id of [...this.parked.agentsOf(tenantId)]) this.parked.wake(tenantId, id);
        },
      )
      .finally(() => {
        const again = this.checking.get(tenantId);
        this.checking.delete(tenantId);
        if (again) this.check(tenantId);
      });
  }

  /** Checks the tenant again at `at` (the earliest deferred execution), replacing the timer set for another time. */
  private scheduleDue(tenantId: string, at: Date | null): void {
    if (!this.parked.hasTenant(tenantId) || at === null) {
      this.clearDue(tenantId);
      return;
    }
    const due = at.getTime();
    if (this.dueTimers.get(tenantId)?.at === due) return;
    this.clearDue(tenantId);
    // One millisecond past due: a timer may fire up to a millisecond early by Date.now() (timers run on the
    // monotonic clock, rounded), and a check at due - 1 would find nothing due and set the timer once more.
    const timer = setTimeout(
      () => {
        this.dueTimers.delete(tenantId);
        this.check(tenantId);
      },
      Math.min(Math.max(due - Date.now(), 0) + 1, MAX_DUE_DELAY_MS),
    );
    timer.unref();
    this.dueTimers.set(tenantId, { at: due, timer });
  }

  private clearDue(tenantId: string): void {
    const due = this.dueTimers.get(tenantId);
    if (!due) return;
    clearTimeout(due.timer);
    this.dueTimers.delete(tenantId);
  }
}
