import type { CommitListener, CommittedEvents, NewEvent } from '../../domain/event.ts';

/** Fan-out of "events committed" to listeners; a throwing listener cannot undo a commit, so it is contained. */
export class CommitListeners {
  private readonly listeners: CommitListener[] = [];

  add(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  notify(committed: CommittedEvents[]): void {
    if (committed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(committed);
      } catch {
        // Listeners log their own failures; waking waiters is best effort, the events are stored.
      }
    }
  }
}

/** Groups new events by tenant, keeping their order: each tenant's batch gets consecutive offsets. */
export function byTenant(events: readonly NewEvent[]): Map<string, NewEvent[]> {
  const groups = new Map<string, NewEvent[]>();
  for (const e of events) {
    const list = groups.get(e.tenantId);
    if (list) list.push(e);
    else groups.set(e.tenantId, [e]);
  }
  return groups;
}

export function distinctTypes(events: readonly NewEvent[]): string[] {
  return [...new Set(events.map((e) => e.type))];
}

/** What listeners hear of a tenant's batch of events committed up to `lastOffset`. */
export function committedEvents(tenantId: string, lastOffset: number, batch: readonly NewEvent[]): CommittedEvents {
  const committed: CommittedEvents = { tenantId, lastOffset, count: batch.length, types: distinctTypes(batch) };
  // Most commits (heartbeats, deliveries, operator writes) name nobody: no set for them.
  if (!batch.some((e) => e.wakes !== undefined)) return committed;
  committed.wakes = [...new Set(batch.flatMap((e) => e.wakes ?? []))];
  return committed;
}
