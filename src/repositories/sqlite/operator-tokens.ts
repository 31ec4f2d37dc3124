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
    return firstRow(this.w.db.select().from(operatorTokens), eq(operatorTokens.secretHash, secretHash));
  }

  async findById(tenantId: string, id: string): Promise<OperatorTokenRecord | null> {
    return firstRow(this.w.db.select().from(operatorTokens), tenantRow(operatorTokens, tenantId, id));
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorTokenRecord>> {
    const q = revocableList(operatorTokens, tenantId, page, includeRevoked);
    return toPage(this.w.db.select().from(operatorTokens).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  async revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const where = tenantRow(operatorTokens, tenantId, id);
      const revoked = tx
        .update(operatorTokens)
        .set({ revokedAt: at })
        .where(and(where, isNull(operatorTokens.revokedAt)))
        .returning()
        .get();
      if (revoked) apply(effects);
      const token = revoked ?? tx.select().from(operatorTokens).where(where).get();
      return token ? done(token) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.w.db.update(operatorTokens).set({ lastUsedAt: at }).where(eq(operatorTokens.id, id)).run();
  }
}
