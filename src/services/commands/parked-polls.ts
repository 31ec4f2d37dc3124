/**
 * The command polls parked on this instance, kept cheap because ten thousand agents may sit in one each.
 * A parked poll is one small record (its tenant, agent, deadline bucket and the resolver of its wait),
 * reachable by tenant and agent for waking and by deadline bucket for expiry. No timer per poll: one sweep
 * timer, running only while something is parked, ends the waits whose bucket has passed. A wait therefore
 * ends up to one bucket (`BUCKET_MS`) past its deadline, which is nothing against a long poll measured in
 * seconds, and the agent polls again at once anyway.
 */
import type { Waiter } from '../events/notifier.ts';
import type { PollAnswer } from './deliveries.ts';

/** A parked poll's wait: `handed` holds the answer when a submit handed it one (see `ParkedPolls.reserve`). */
export interface CommandWaiter extends Waiter {
  readonly handed: PollAnswer | null;
  /** The poll's look (which runs after its waiter is registered) found nothing: from now on it only waits, and a submit may answer it. */
  idle(): void;
}

/** A parked poll taken out of the registry by a submit: it gets the submit's answer, or looks for itself. */
export interface ReservedPoll {
  /** Answers the poll with `answer` (its commands were marked delivered to it in the submit's commit). */
  handOver(answer: PollAnswer): void;
  /** The submit did not commit: the poll wakes and looks for itself. */
  giveBack(): void;
}

/** Deadline resolution of a parked poll, and the sweep timer's period. */
export const BUCKET_MS = 100;

/** One parked poll; it is also the Waiter handed to the poll (methods on the prototype: nothing per poll). */
class ParkedPoll implements CommandWaiter, ReservedPoll {
  readonly woken: Promise<boolean>;
  handed: PollAnswer | null = null;
  /** Settles `woken` once reserved (out of the registry, so that nothing else ends it); null otherwise. */
  reserved: ((woken: boolean) => void) | null = null;
  /** Until `idle()`: the poll is still looking, and may answer with what its look found. */
  looking = true;
  readonly tenantId: string;
  readonly agentId: string;
  /** Deadline bucket: `ceil(deadline / BUCKET_MS)`. */
  readonly bucket: number;
  /** Settles `woken`; null once settled. */
  settle: ((woken: boolean) => void) | null = null;
  private readonly registry: ParkedPolls;

  constructor(registry: ParkedPolls, tenantId: string, agentId: string, bucket: number) {
    this.registry = registry;
    this.tenantId = tenantId;
    this.agentId = agentId;
    this.bucket = bucket;
    this.woken = new Promise<boolean>((resolve) => {
      this.settle = resolve;
    });
  }

  cancel(): void {
    this.registry.end(this, false);
  }

  idle(): void {
    this.looking = false;
  }

  handOver(answer: PollAnswer): void {
    this.handed = answer;
    this.giveBack();
  }

  giveBack(): void {
    const settle = this.reserved;
    this.reserved = null;
    settle?.(true);
  }
}

export class ParkedPolls {
  /** Tenant → agent → that agent's parked polls (almost always one; an agent may have two). */
  private readonly byTenant = new Map<string, Map<string, ParkedPoll | ParkedPoll[]>>();
  /** Deadline bucket → the polls whose wait ends in it. */
  private readonly byBucket = new Map<number, Set<ParkedPoll>>();
  private count = 0;
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;
  /** Called when the last parked poll of a tenant ends. */
  private readonly tenantEmptied: (tenantId: string) => void;

  constructor(tenantEmptied: (tenantId: string) => void = () => {}) {
    this.tenantEmptied = tenantEmptied;
  }

  /** Polls parked now. */
  get size(): number {
    return this.count;
  }

  /** Whether a poll of the tenant is parked here. */
  hasTenant(tenantId: string): boolean {
    return this.byTenant.has(tenantId);
  }

  /** The agents of the tenant with a poll parked here. */
  agentsOf(tenantId: string): Iterable<string> {
    return this.byTenant.get(tenantId)?.keys() ?? [];
  }

  /** Parks a poll of the agent; `woken` resolves true when woken, false at the deadline, on cancel or shutdown. */
  wait(tenantId: string, agentId: string, timeoutMs: number): CommandWaiter {
    const poll = new ParkedPoll(this, tenantId, agentId, Math.ceil((Date.now() + timeoutMs) / BUCKET_MS));
    if (this.closed || timeoutMs <= 0) {
      poll.settle!(false);
      poll.settle = null;
      return poll;
    }
    let agents = this.byTenant.get(tenantId);
    if (!agents) {
      agents = new Map();
      this.byTenant.set(tenantId, agents);
    }
    const same = agents.get(agentId);
    agents.set(agentId, same === undefined ? poll : Array.isArray(same) ? [...same, poll] : [same, poll]);
    let bucket = this.byBucket.get(poll.bucket);
    if (!bucket) {
      bucket = new Set();
      this.byBucket.set(poll.bucket, bucket);
    }
    bucket.add(poll);
    this.count++;
    this.sweeper ??= setInterval(() => this.sweep(), BUCKET_MS).unref();
    return poll;
  }

  /** Wakes every poll of the agent parked here (of the tenant: ids are unique across tenants, the tenant is the index). */
  wake(tenantId: string, agentId: string): void {
    const polls = this.byTenant.get(tenantId)?.get(agentId);
    if (polls === undefined) return;
    for (const poll of Array.isArray(polls) ? polls : [polls]) this.end(poll, true);
  }

  /**
   * Takes one idle parked poll of the agent (its look done, found nothing) out of the registry, for a submit
   * to answer: no wake-up, deadline or cancel reaches it any more (a poll abandoned meanwhile is answered all
   * the same, like a delivery whose client went away as it was answered). Null when none is idle here, or
   * after shutdown began; a poll still looking is woken by the submit's commit as before.
   */
  reserve(tenantId: string, agentId: string): ReservedPoll | null {
    if (this.closed) return null;
    const polls = this.byTenant.get(tenantId)?.get(agentId);
    if (polls === undefined) return null;
    const poll = Array.isArray(polls) ? polls.find((p) => !p.looking) : polls.looking ? undefined : polls;
    if (poll === undefined) return null;
    poll.reserved = poll.settle;
    this.detach(poll);
    return poll;
  }

  /** Shutdown: every parked poll returns now, and new ones return at once. */
  close(): void {
    this.closed = true;
    for (const bucket of [...this.byBucket.values()]) for (const poll of bucket) this.end(poll, false);
  }

  /** Ends one parked poll (no-op when it has ended already). */
  end(poll: ParkedPoll, woken: boolean): void {
    const settle = poll.settle;
    if (settle === null) return;
    this.detach(poll);
    settle(woken);
  }

  /** Removes a parked poll from the registry (its `settle` is cleared: it no longer ends here). */
  private detach(poll: ParkedPoll): void {
    poll.settle = null;
    this.count--;
    const bucket = this.byBucket.get(poll.bucket);
    if (bucket?.delete(poll) && bucket.size === 0) this.byBucket.delete(poll.bucket);
    const agents = this.byTenant.get(poll.tenantId);
    const same = agents?.get(poll.agentId);
    if (agents && same !== undefined) {
      const rest = Array.isArray(same) ? same.filter((p) => p !== poll) : [];
      if (rest.length === 0) agents.delete(poll.agentId);
      else agents.set(poll.agentId, rest.length === 1 ? rest[0]! : rest);
      if (agents.size === 0) {
        this.byTenant.delete(poll.tenantId);
        this.tenantEmptied(poll.tenantId);
      }
    }
    if (this.count === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Ends the waits whose deadline bucket has passed. */
  private sweep(): void {
    const now = Date.now() / BUCKET_MS;
    for (const [key, bucket] of this.byBucket) {
      if (key > now) continue;
      for (const poll of [...bucket]) this.end(poll, false);
    }
  }
}
