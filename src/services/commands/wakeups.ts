/**
 * Wakes agents parked in a command poll when there may be something for them, here or (through the event
 * fan-out over NATS) on another instance. A commit of the tenant carrying `command_created`,
 * `command_cancelled` or `command_rollout_slot_freed` (or of unknown types) starts one check: a single
 * query names the tenant's agents with an execution a poll would release now or a cancel request, and only
 * those of them parked here are woken. Without it every parked poll of the tenant ran its own delivery query
 * on every command (10,000 queries for a command to one agent). Checks of a tenant do not overlap: a
 * commit arriving during one runs another after it, so nothing committed after a check began is missed.
 * Lives as long as the process.
 */
import type { CommittedEvents } from '../../domain/event.ts';
import type { EventFeed } from '../events/feed.ts';
import { EventNotifier, type Waiter } from '../events/notifier.ts';

const WAKING_TYPES: ReadonlySet<string> = new Set(['command_created', 'command_cancelled', 'command_rollout_slot_freed']);

/** Agents of the tenant that a poll would now give an execution or a cancel request (any instance's view of the database). */
export type AgentsWithWork = (tenantId: string, now: Date) => Promise<string[]>;

export class CommandWakeups {
  // Keyed by agent id (ids are unique across tenants); offsets do not matter here, so every waiter waits "after 0".
  private readonly notifier = new EventNotifier();
  /** Parked polls per tenant and agent (an agent may have two). */
  private readonly parked = new Map<string, Map<string, number>>();
  /** Tenants with a check under way; true when another commit asked for one meanwhile. */
  private readonly checking = new Map<string, boolean>();
  private readonly agentsWithWork: AgentsWithWork;

  /** Subscribes to the feed's commits and ends every wait on `shutdown`. */
  constructor(feed: EventFeed, shutdown: AbortSignal, agentsWithWork: AgentsWithWork) {
    this.agentsWithWork = agentsWithWork;
    feed.onCommit((c) => this.observe(c));
    shutdown.addEventListener('abort', () => this.notifier.close(), { once: true });
  }

  /** Pollers parked now (for the metrics gauge). */
  get waiting(): number {
    return this.notifier.waiting;
  }

  wait(tenantId: string, agentId: string, timeoutMs: number): Waiter {
    const waiter = this.notifier.wait(agentId, 0, timeoutMs);
    let agents = this.parked.get(tenantId);
    if (!agents) {
      agents = new Map();
      this.parked.set(tenantId, agents);
    }
    agents.set(agentId, (agents.get(agentId) ?? 0) + 1);
    const tenantAgents = agents;
    void waiter.woken.then(() => {
      const n = (tenantAgents.get(agentId) ?? 1) - 1;
      if (n > 0) tenantAgents.set(agentId, n);
      else tenantAgents.delete(agentId);
      if (tenantAgents.size === 0 && this.parked.get(tenantId) === tenantAgents) this.parked.delete(tenantId);
    });
    return waiter;
  }

  private observe(c: CommittedEvents): void {
    if (!c.types || c.types.some((t) => WAKING_TYPES.has(t))) this.check(c.tenantId);
  }

  private check(tenantId: string): void {
    if (!this.parked.has(tenantId)) return;
    if (this.checking.has(tenantId)) {
      this.checking.set(tenantId, true);
      return;
    }
    this.checking.set(tenantId, false);
    this.agentsWithWork(tenantId, new Date())
      .then(
        (ids) => {
          for (const id of ids) this.notifier.committed(id, 1);
        },
        // The check failed (database hiccup): every parked poll of the tenant looks for itself.
        () => {
          for (const id of this.parked.get(tenantId)?.keys() ?? []) this.notifier.committed(id, 1);
        },
      )
      .finally(() => {
        const again = this.checking.get(tenantId);
        this.checking.delete(tenantId);
        if (again) this.check(tenantId);
      });
  }
}
