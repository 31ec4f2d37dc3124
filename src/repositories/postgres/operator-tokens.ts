import { and, eq, isNull } from 'drizzle-orm';
import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { OperatorTokenRepository } from '../ports/operator-token.ts';
import { toPage } from '../shared/paging.ts';
import { revocableList } from '../shared/revocable.ts';
import { tenantRow } from '../shared/conditions.ts';
import { operatorTokens } from './schema.ts';
import { firstRow } from './rows.ts';
import type { PgWriter } from './transaction.ts';

export class PgOperatorTokenRepository implements OperatorTokenRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void> {
    return this.w.transaction(async (tx, apply) => {
      await tx.insert(operatorTokens).values(token);
      await apply(effects);
    });
  }

  findByHash(secretHash: string): Promise<OperatorTokenRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(operatorTokens), eq(operatorTokens.secretHash, secretHash)));
  }

  findById(tenantId: string, id: string): Promise<OperatorTokenRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(operatorTokens), tenantRow(operatorTokens, tenantId, id)));
  }

  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorTokenRecord>> {
    const q = revocableList(operatorTokens, tenantId, page, includeRevoked);
    return this.w.pool.run(async (db) => toPage(await db.select().from(operatorTokens).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const where = tenantRow(operatorTokens, tenantId, id);
      // The conditional update takes the row lock: a concurrent revoke waits, then matches nothing (written once).
      const [revoked] = await tx
        .update(operatorTokens)
        .set({ revokedAt: at })
        .where(and(where, isNull(operatorTokens.revokedAt)))
        .returning();
      if (revoked) await apply(effects);
      const token = revoked ?? (await tx.select().from(operatorTokens).where(where))[0];
      return token ? done(token) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(operatorTokens).set({ lastUsedAt: at }).where(eq(operatorTokens.id, id)));
  }
}
