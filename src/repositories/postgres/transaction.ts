/**
 * Write transactions on Postgres: `apply` writes the mutation's audit row and events in the same
 * transaction; listeners hear about the events only after the commit. The event_offsets upsert locks the
 * tenant's counter row until commit, so one tenant's offsets are assigned and committed in order.
 */
import { sql } from 'drizzle-orm';
import type { CommittedEvents, NewEvent, WriteEffects } from '../../domain/event.ts';
import { byTenant, distinctTypes, type CommitListeners } from '../shared/commit-listeners.ts';
import { nullableTextArray, textArray, timeArray } from './arrays.ts';
import type { PgDb, PgPool } from './db.ts';
import { auditLog, eventOffsets, events } from './schema.ts';

export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];
export type ApplyEffects = (effects: WriteEffects) => Promise<void>;

export class PgWriter {
  readonly pool: PgPool;
  private readonly listeners: CommitListeners;

  constructor(pool: PgPool, listeners: CommitListeners) {
    this.pool = pool;
    this.listeners = listeners;
  }

  async transaction<T>(work: (tx: PgTx, apply: ApplyEffects) => Promise<T>): Promise<T> {
    const committed: CommittedEvents[] = [];
    const result = await this.pool.run((db) =>
      db.transaction((tx) =>
        work(tx, async (effects) => {
          committed.push(...(await writeEffects(tx, effects)));
        }),
      ),
    );
    this.listeners.notify(committed);
    return result;
  }
}

/**
 * The audit row and each tenant's events go out together (postgres.js pipelines the statements of a
 * transaction issued without waiting): one round trip. Each tenant's offsets and events are one statement,
 * so the tenant's counter row is locked from that statement to the commit, not across another round trip.
 */
async function writeEffects(tx: PgTx, effects: WriteEffects): Promise<CommittedEvents[]> {
  const writes: Promise<CommittedEvents | undefined>[] = [];
  if (effects.audit)
    writes.push(
      tx
        .insert(auditLog)
        .values(effects.audit)
        .then(() => undefined),
    );
  for (const [tenantId, batch] of byTenant(effects.events ?? [])) writes.push(insertEvents(tx, tenantId, batch));
  return (await Promise.all(writes)).filter((c) => c !== undefined);
}

async function insertEvents(tx: PgTx, tenantId: string, batch: NewEvent[]): Promise<CommittedEvents> {
  const n = batch.length;
  const rows = await tx.execute<{ seq: string | number }>(sql`
    with o as (
      insert into ${eventOffsets} (tenant_id, last_seq) values (${tenantId}::uuid, ${n}::int)
      on conflict (tenant_id) do update set last_seq = ${eventOffsets}.last_seq + ${n}::int
      returning last_seq
    )
    insert into ${events} (tenant_id, seq, type, resource_type, resource_id, data, created_at)
    select ${tenantId}::uuid, o.last_seq - ${n}::int + v.ord, v.type, v.resource_type, v.resource_id, v.data, v.created_at
    from o, unnest(
      ${textArray(batch.map((e) => e.type))}::text[], ${textArray(batch.map((e) => e.resourceType))}::text[],
      ${nullableTextArray(batch.map((e) => e.resourceId))}::text[], ${textArray(batch.map((e) => JSON.stringify(e.data)))}::jsonb[],
      ${timeArray(batch.map((e) => e.createdAt))}::timestamptz[]
    ) with ordinality as v(type, resource_type, resource_id, data, created_at, ord)
    returning seq`);
  const lastOffset = Math.max(...rows.map((r) => Number(r.seq)));
  return { tenantId, lastOffset, count: n, types: distinctTypes(batch) };
}
