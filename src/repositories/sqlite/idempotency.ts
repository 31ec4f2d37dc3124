import { and, eq, lt } from 'drizzle-orm';
import type { IdempotencyClaim, IdempotencyOutcome, StoredResponse } from '../../domain/idempotency.ts';
import type { IdempotencyRepository } from '../ports/idempotency.ts';
import { judgeExistingClaim } from '../shared/idempotency.ts';
import type { SqliteDb } from './db.ts';
import { idempotencyKeys } from './schema.ts';
import { commitUnsynced } from './unsynced-commit.ts';

export class SqliteIdempotencyRepository implements IdempotencyRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async claim(claim: IdempotencyClaim, now: Date): Promise<IdempotencyOutcome> {
    // Committed without a sync of its own: the request it guards answers only after a synced commit
    // (its work, or `complete`), which makes the claim durable too (unsynced-commit.ts).
    return commitUnsynced(this.db.$client, () => this.judgeAndClaim(claim, now));
  }

  private judgeAndClaim(claim: IdempotencyClaim, now: Date): IdempotencyOutcome {
    // IMMEDIATE: the read-then-write below must not interleave with another claim of the same key.
    return this.db.transaction(
      (tx) => {
        const where = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
        const existing = tx.select().from(idempotencyKeys).where(where).get();
        const verdict = judgeExistingClaim(existing, claim, now);
        if (verdict.kind === 'take') {
          if (existing) tx.delete(idempotencyKeys).where(where).run();
          tx.insert(idempotencyKeys)
            .values({ ...claim, state: 'in_progress', createdAt: now })
            .run();
          return { kind: 'claimed' as const };
        }
        return verdict.outcome;
      },
      { behavior: 'immediate' },
    );
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    this.db
      .update(idempotencyKeys)
      .set({ state: 'completed', status: response.status, headers: response.headers, body: response.body })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
      .run();
  }

  async release(scope: string, key: string): Promise<void> {
    this.db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
      .run();
  }

  async prune(now: Date): Promise<number> {
    return this.db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)).run().changes;
  }
}
