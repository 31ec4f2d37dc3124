import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { OperatorToken, OperatorTokenRecord, OperatorTokenRepository, Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { withoutSecret } from '../shared/mappers.ts';
import { operatorTokens } from './schema.ts';
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
    return this.w.pool.run(async (db) => (await db.select().from(operatorTokens).where(eq(operatorTokens.secretHash, secretHash)).limit(1))[0] ?? null);
  }

  findById(tenantId: string, id: string): Promise<OperatorToken | null> {
    return this.w.pool.run(async (db) => {
      const [row] = await db.select().from(operatorTokens).where(and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id))).limit(1);
      return row ? withoutSecret(row) : null;
    });
  }

  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorToken>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(operatorTokens)
        .where(
          and(
            eq(operatorTokens.tenantId, tenantId),
            page.afterId ? gt(operatorTokens.id, page.afterId) : undefined,
            includeRevoked ? undefined : isNull(operatorTokens.revokedAt),
          ),
        )
        .orderBy(asc(operatorTokens.id))
        .limit(page.limit + 1);
      return toPage(rows.map(withoutSecret), page.limit);
    });
  }

  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<OperatorToken | null> {
    return this.w.transaction(async (tx, apply) => {
      const where = and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id));
      const [current] = await tx.select().from(operatorTokens).where(where).for('update');
      if (!current) return null;
      if (current.revokedAt) return withoutSecret(current);
      await tx.update(operatorTokens).set({ revokedAt: at }).where(where);
      await apply(effects);
      return withoutSecret({ ...current, revokedAt: at });
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(operatorTokens).set({ lastUsedAt: at }).where(eq(operatorTokens.id, id)));
  }
}
