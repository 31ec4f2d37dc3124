import { and, eq, isNull } from 'drizzle-orm';
import type { EnrollmentSecretRecord } from '../../domain/enrollment-secret.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { EnrollmentSecretRepository } from '../ports/enrollment-secret.ts';
import { toPage } from '../shared/paging.ts';
import { revocableList } from '../shared/revocable.ts';
import { tenantRow } from '../shared/conditions.ts';
import { enrollmentSecrets, sections } from './schema.ts';
import { firstRow } from './rows.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteEnrollmentSecretRepository implements EnrollmentSecretRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(secret: EnrollmentSecretRecord, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      if (
        secret.sectionId !== null &&
        !tx
          .select({ id: sections.id })
          .from(sections)
          .where(tenantRow(sections, secret.tenantId, secret.sectionId))
          .get()
      )
        return NOT_FOUND;
      tx.insert(enrollmentSecrets).values(secret).run();
      apply(effects);
      return done();
    });
  }

  async findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null> {
    return firstRow(this.w.db.select().from(enrollmentSecrets), eq(enrollmentSecrets.secretHash, secretHash));
  }

  async findById(tenantId: string, id: string): Promise<EnrollmentSecretRecord | null> {
    return firstRow(this.w.db.select().from(enrollmentSecrets), tenantRow(enrollmentSecrets, tenantId, id));
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecretRecord>> {
    const q = revocableList(enrollmentSecrets, tenantId, page, includeRevoked);
    return toPage(this.w.db.select().from(enrollmentSecrets).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  async revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const where = tenantRow(enrollmentSecrets, tenantId, id);
      const revoked = tx
        .update(enrollmentSecrets)
        .set({ revokedAt: at })
        .where(and(where, isNull(enrollmentSecrets.revokedAt)))
        .returning()
        .get();
      if (revoked) apply(effects);
      const secret = revoked ?? tx.select().from(enrollmentSecrets).where(where).get();
      return secret ? done(secret) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.w.db.update(enrollmentSecrets).set({ lastUsedAt: at }).where(eq(enrollmentSecrets.id, id)).run();
  }
}
