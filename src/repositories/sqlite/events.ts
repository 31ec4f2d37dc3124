import { and, eq, lt, lte, min } from 'drizzle-orm';
import type { EventPage } from '../../domain/event.ts';
import type { EventRepository } from '../ports/event.ts';
import { eventsAfter, toEventPage } from '../shared/event.ts';
import type { SqliteDb } from './db.ts';
import { eventOffsets, events } from './schema.ts';

export class SqliteEventRepository implements EventRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async list(tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): Promise<EventPage> {
    const q = eventsAfter(events, tenantId, afterOffset, limit, types);
    return toEventPage(this.db.select().from(events).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), limit);
  }

  async bounds(tenantId: string): Promise<{ oldest: number | null; latest: number }> {
    const oldest =
      this.db
        .select({ v: min(events.seq) })
        .from(events)
        .where(eq(events.tenantId, tenantId))
        .get()?.v ?? null;
    const latest = this.db.select({ v: eventOffsets.lastSeq }).from(eventOffsets).where(eq(eventOffsets.tenantId, tenantId)).get()?.v ?? 0;
    return { oldest, latest };
  }

  async prune(before: Date, keepPerTenant: number): Promise<number> {
    return this.db.transaction((tx) => {
      let deleted = tx.delete(events).where(lt(events.createdAt, before)).run().changes;
      for (const { tenantId, lastSeq } of tx.select().from(eventOffsets).all()) {
        deleted += tx
          .delete(events)
          .where(and(eq(events.tenantId, tenantId), lte(events.seq, lastSeq - keepPerTenant)))
          .run().changes;
      }
      return deleted;
    });
  }
}
