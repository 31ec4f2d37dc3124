/** Event feed query parts and the row → event mapper, shared by both dialects. */
import { asc, eq, gt, inArray, type Column, type SQL } from 'drizzle-orm';
import { allOf } from './conditions.ts';
import type { EventPage, EventType, StoredEvent } from '../../domain/event.ts';

interface EventRow {
  tenantId: string;
  seq: number;
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** The tenant's events after `afterOffset` (optionally only of some types), oldest first, one more than `limit`. */
export function eventsAfter(t: { tenantId: Column; seq: Column; type: Column }, tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): { where: SQL; orderBy: SQL; limit: number } {
  return { where: allOf(eq(t.tenantId, tenantId), gt(t.seq, afterOffset), types?.length ? inArray(t.type, [...types]) : undefined), orderBy: asc(t.seq), limit: limit + 1 };
}

export function toStoredEvent(row: EventRow): StoredEvent {
  const { seq, type, ...rest } = row;
  // The column is plain text, written only from an EventType (a newer version's type passes through as is).
  return { ...rest, type: type as EventType, offset: seq };
}

export function toEventPage(rows: EventRow[], limit: number): EventPage {
  return { events: rows.slice(0, limit).map(toStoredEvent), hasMore: rows.length > limit };
}
