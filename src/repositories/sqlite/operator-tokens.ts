import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { OperatorToken, OperatorTokenRecord, OperatorTokenRepository, Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { withoutSecret } from '../shared/mappers.ts';
import { operatorTokens } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteOperatorTokenRepository implements OperatorTokenRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(operatorTokens).values(token).run();
      apply(effects);
    }, 'deferred');
  }

  async findByHash(secretHash: string): Promise<OperatorTokenRecord | null> {
    return this.w.db.select().from(operatorTokens).where(eq(operatorTokens.secretHash, secretHash)).get() ?? null;
  }

  async findById(tenantId: string, id: string): Promise<OperatorToken | null> {
    const row = this.w.db.select().from(operatorTokens).where(and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id))).get();
    return row ? withoutSecret(row) : null;
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorToken>> {
    const rows = this.w.db
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
      .limit(page.limit + 1)
      .all();
    return toPage(rows.map(withoutSecret), page.limit);
  }

  async revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<OperatorToken | null> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id));
      const current = tx.select().from(operatorTokens).where(where).get();
      if (!current) return null;
      if (current.revokedAt) return withoutSecret(current);
      tx.update(operatorTokens).set({ revokedAt: at }).where(where).run();
      apply(effects);
      return withoutSecret({ ...current, revokedAt: at });
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.w.db.update(operatorTokens).set({ lastUsedAt: at }).where(eq(operatorTokens.id, id)).run();
  }
}
