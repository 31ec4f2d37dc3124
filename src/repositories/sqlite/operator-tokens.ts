import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { AuditEntry, OperatorToken, OperatorTokenRecord, OperatorTokenRepository, Page, PageRequest } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { withoutSecret } from '../shared/mappers.ts';
import type { SqliteDb } from './db.ts';
import { auditLog, operatorTokens } from './schema.ts';

export class SqliteOperatorTokenRepository implements OperatorTokenRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async create(token: OperatorTokenRecord, audit: AuditEntry): Promise<void> {
    this.db.transaction((tx) => {
      tx.insert(operatorTokens).values(token).run();
      tx.insert(auditLog).values(audit).run();
    });
  }

  async findByHash(secretHash: string): Promise<OperatorTokenRecord | null> {
    return this.db.select().from(operatorTokens).where(eq(operatorTokens.secretHash, secretHash)).get() ?? null;
  }

  async findById(tenantId: string, id: string): Promise<OperatorToken | null> {
    const row = this.db.select().from(operatorTokens).where(and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id))).get();
    return row ? withoutSecret(row) : null;
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorToken>> {
    const rows = this.db
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

  async revoke(tenantId: string, id: string, at: Date, audit: AuditEntry): Promise<OperatorToken | null> {
    return this.db.transaction((tx) => {
      const where = and(eq(operatorTokens.tenantId, tenantId), eq(operatorTokens.id, id));
      const current = tx.select().from(operatorTokens).where(where).get();
      if (!current) return null;
      if (current.revokedAt) return withoutSecret(current);
      tx.update(operatorTokens).set({ revokedAt: at }).where(where).run();
      tx.insert(auditLog).values(audit).run();
      return withoutSecret({ ...current, revokedAt: at });
    }, { behavior: 'immediate' });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.db.update(operatorTokens).set({ lastUsedAt: at }).where(eq(operatorTokens.id, id)).run();
  }
}
