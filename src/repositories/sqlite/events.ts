import { and, asc, eq, gt, inArray, lt, lte, min } from 'drizzle-orm';
import type { EventPage, EventRepository } from '../types.ts';
import { toStoredEvent } from '../shared/mappers.ts';
import type { SqliteDb } from './db.ts';
import { eventOffsets, events } from './schema.ts';

export class SqliteEventRepository implements EventRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async list(tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): Promise<EventPage> {
    const rows = this.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, tenantId), gt(events.seq, afterOffset), types?.length ? inArray(events.type, [...types]) : undefined))
      .orderBy(asc(events.seq))
      .limit(limit + 1)
      .all();
    return { events: rows.slice(0, limit).map(toStoredEvent), hasMore: rows.length > limit };
  }

  async bounds(tenantId: string): Promise<{ oldest: number | null; latest: number }> {
    const oldest = this.db.select({ v: min(events.seq) }).from(events).where(eq(events.tenantId, tenantId)).get()?.v ?? null;
    const latest = this.db.select({ v: eventOffsets.lastSeq }).from(eventOffsets).where(eq(eventOffsets.tenantId, tenantId)).get()?.v ?? 0;
    return { oldest, latest };
  }

  async prune(before: Date, keepPerTenant: number): Promise<number> {
    return this.db.transaction((tx) => {
      let deleted = tx.delete(events).where(lt(events.createdAt, before)).run().changes;
      for (const { tenantId, lastSeq } of tx.select().from(eventOffsets).all()) {
        deleted += tx.delete(events).where(and(eq(events.tenantId, tenantId), lte(events.seq, lastSeq - keepPerTenant))).run().changes;
      }
      return deleted;
    });
  }
}
