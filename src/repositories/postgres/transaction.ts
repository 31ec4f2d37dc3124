/**
 * Write transactions on Postgres: `apply` writes the mutation's audit row and events in the same
 * transaction; listeners hear about the events only after the commit. The event_offsets upsert locks the
 * tenant's counter row until commit, so one tenant's offsets are assigned and committed in order.
 */
import { sql } from 'drizzle-orm';
import type { CommittedEvents, WriteEffects } from '../../domain/event.ts';
import { byTenant, distinctTypes, type CommitListeners } from '../shared/commit-listeners.ts';
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

async function writeEffects(tx: PgTx, effects: WriteEffects): Promise<CommittedEvents[]> {
  if (effects.audit) await tx.insert(auditLog).values(effects.audit);
  const committed: CommittedEvents[] = [];
  for (const [tenantId, batch] of byTenant(effects.events ?? [])) {
    const [row] = await tx
      .insert(eventOffsets)
      .values({ tenantId, lastSeq: batch.length })
      .onConflictDoUpdate({ target: eventOffsets.tenantId, set: { lastSeq: sql`${eventOffsets.lastSeq} + ${batch.length}` } })
      .returning({ lastSeq: eventOffsets.lastSeq });
    const first = row!.lastSeq - batch.length + 1;
    await tx.insert(events).values(batch.map((e, i) => ({ ...e, seq: first + i })));
    committed.push({ tenantId, lastOffset: row!.lastSeq, count: batch.length, types: distinctTypes(batch) });
  }
  return committed;
}
