import type { EventPage } from '../../domain/event.ts';

export interface EventRepository {
  /** Events after `afterOffset`, oldest first, optionally only of some types. */
  list(tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): Promise<EventPage>;
  /** Oldest offset still stored (null when none is) and the last offset ever assigned (0 when none was). */
  bounds(tenantId: string): Promise<{ oldest: number | null; latest: number }>;
  /** Deletes events older than `before` and, per tenant, all but the newest `keepPerTenant`. Returns how many. */
  prune(before: Date, keepPerTenant: number): Promise<number>;
}
