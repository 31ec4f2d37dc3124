import { and, eq, lt, sql } from 'drizzle-orm';
import type { IdempotencyClaim, IdempotencyOutcome, StoredResponse } from '../../domain/idempotency.ts';
import type { IdempotencyRepository } from '../ports/idempotency.ts';
import { judgeExistingClaim } from '../shared/idempotency.ts';
import type { PgDb, PgPool } from './db.ts';
import type { PgTx } from './transaction.ts';
import { idempotencyKeys } from './schema.ts';

export class PgIdempotencyRepository implements IdempotencyRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  claim(claim: IdempotencyClaim, now: Date): Promise<IdempotencyOutcome> {
    return this.pool.run(async (db) => {
      // A key not seen before (the usual case) is claimed by one statement on its own, without the
      // transaction's BEGIN and COMMIT round trips, and without waiting for its WAL flush (see insertUnsyncedClaim).
      if (await insertUnsyncedClaim(db, claim, now)) return { kind: 'claimed' as const };
      return this.judgeAndClaim(db, claim, now);
    });
  }

  /** A key already there: judged under its row lock (replay, conflict, or taken over once expired). */
  private judgeAndClaim(db: PgDb, claim: IdempotencyClaim, now: Date): Promise<IdempotencyOutcome> {
    return db.transaction(async (tx) => {
      // A concurrent insert of the same key waits here until the other transaction commits.
      if (await insertClaim(tx, claim, now)) return { kind: 'claimed' as const };
      const where = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
      const [existing] = await tx.select().from(idempotencyKeys).where(where).for('update');
      const verdict = judgeExistingClaim(existing, claim, now);
      if (verdict.kind === 'answer') return verdict.outcome;
      if (existing) {
        await tx
          .update(idempotencyKeys)
          .set({ ...claim, state: 'in_progress', status: null, headers: null, body: null, createdAt: now })
          .where(where);
      } else {
        await tx.insert(idempotencyKeys).values({ ...claim, state: 'in_progress', createdAt: now });
      }
      return { kind: 'claimed' as const };
    });
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.pool.run((db) =>
      db
        .update(idempotencyKeys)
        .set({ state: 'completed', status: response.status, headers: response.headers, body: response.body })
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.pool.run((db) => db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))));
  }

  prune(now: Date): Promise<number> {
    return this.pool.run(async (db) => (await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)).returning({ key: idempotencyKeys.key })).length);
  }
}

/**
 * Inserts the claim unless the key is there, in a statement whose commit does not wait for the WAL flush
 * (`synchronous_commit` off for its own implicit transaction: `set_config(…, true)` is SET LOCAL, and a
 * commit reads the setting before the transaction's settings are reset). Postgres flushes the WAL in order,
 * so the synced commit of the guarded request's work, or of the key's completion, makes the claim durable
 * with it, and the request is answered only after one of those: a claim lost with a crash guarded nothing
 * that was answered, and the client's retry claims the key again (as on SQLite: sqlite/unsynced-commit.ts).
 * One flush less (~0.5–2 ms here) before every write an Idempotency-Key guards.
 */
async function insertUnsyncedClaim(db: PgDb, claim: IdempotencyClaim, now: Date): Promise<boolean> {
  const k = idempotencyKeys;
  const columns = sql.join(
    [k.scope, k.key, k.operationId, k.requestHash, k.state, k.lockedUntil, k.expiresAt, k.createdAt].map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const rows = await db.execute<{ claimed: number }>(sql`
    insert into ${k} (${columns})
    select ${claim.scope}::text, ${claim.key}::text, ${claim.operationId}::text, ${claim.requestHash}::text, 'in_progress',
      ${claim.lockedUntil.toISOString()}::timestamptz, ${claim.expiresAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    from (select set_config('synchronous_commit', 'off', true)) as unsynced
    on conflict do nothing
    returning 1 as claimed`);
  return rows.length > 0;
}

/** Inserts the claim unless the key is there; returns whether it did. */
async function insertClaim(db: PgDb | PgTx, claim: IdempotencyClaim, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ ...claim, state: 'in_progress', createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}
