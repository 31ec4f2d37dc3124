/**
 * Wakes agents parked in a command poll when a command of their tenant is created or cancelled, here or
 * (through the event fan-out over NATS) on another instance: any commit carrying `command_created` or
 * `command_cancelled` or `command_rollout_slot_freed` (an ack made room under a rollout's concurrency limit)
 * wakes the tenant's pollers, which then look for their own executions. Lives as long as the process.
 */
import type { CommittedEvents } from '../../domain/event.ts';
import type { EventFeed } from '../events/feed.ts';
import { EventNotifier, type Waiter } from '../events/notifier.ts';

const WAKING_TYPES: ReadonlySet<string> = new Set(['command_created', 'command_cancelled', 'command_rollout_slot_freed']);

export class CommandWakeups {
  // Keyed by tenant like the event feed; offsets do not matter here, so every waiter waits "after 0".
  private readonly notifier = new EventNotifier();

  /** Subscribes to the feed's commits and ends every wait on `shutdown`. */
  constructor(feed: EventFeed, shutdown: AbortSignal) {
    feed.onCommit((c) => this.observe(c));
    shutdown.addEventListener('abort', () => this.notifier.close(), { once: true });
  }

  /** Pollers parked now (for the metrics gauge). */
  get waiting(): number {
    return this.notifier.waiting;
  }

  wait(tenantId: string, timeoutMs: number): Waiter {
    return this.notifier.wait(tenantId, 0, timeoutMs);
  }

  private observe(c: CommittedEvents): void {
    if (!c.types || c.types.some((t) => WAKING_TYPES.has(t))) this.notifier.committed(c.tenantId, 1);
  }
}
