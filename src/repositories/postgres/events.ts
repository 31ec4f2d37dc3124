import { eq, lt, min, sql } from 'drizzle-orm';
import type { EventPage } from '../../domain/event.ts';
import type { EventRepository } from '../ports/event.ts';
import { eventsAfter, toEventPage } from '../shared/event.ts';
import { affected } from './affected.ts';
import type { PgPool } from './db.ts';
import { eventOffsets, events } from './schema.ts';

export class PgEventRepository implements EventRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  list(tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): Promise<EventPage> {
    const q = eventsAfter(events, tenantId, afterOffset, limit, types);
    return this.pool.run(async (db) => toEventPage(await db.select().from(events).where(q.where).orderBy(q.orderBy).limit(q.limit), limit));
  }

  bounds(tenantId: string): Promise<{ oldest: number | null; latest: number }> {
    return this.pool.run(async (db) => {
      const [o] = await db
        .select({ v: min(events.seq) })
        .from(events)
        .where(eq(events.tenantId, tenantId));
      const [l] = await db.select({ v: eventOffsets.lastSeq }).from(eventOffsets).where(eq(eventOffsets.tenantId, tenantId));
      return { oldest: o?.v === null || o?.v === undefined ? null : Number(o.v), latest: l?.v ?? 0 };
    });
  }

  prune(before: Date, keepPerTenant: number): Promise<number> {
    return this.pool.run(async (db) => {
      const byAge = await db.delete(events).where(lt(events.createdAt, before)).returning({ seq: events.seq });
      const byCount = await db.execute(sql`delete from ${events} e using ${eventOffsets} o where e.tenant_id = o.tenant_id and e.seq <= o.last_seq - ${keepPerTenant}`);
      return byAge.length + affected(byCount);
    });
  }
}
