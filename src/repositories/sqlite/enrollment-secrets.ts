import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { NotFoundError } from '../../services/errors.ts';
import type { EnrollmentSecret, EnrollmentSecretRecord, EnrollmentSecretRepository, Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { withoutSecretHash } from '../shared/tenancy-mappers.ts';
import { enrollmentSecrets, sections } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteEnrollmentSecretRepository implements EnrollmentSecretRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(secret: EnrollmentSecretRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      if (secret.sectionId !== null) {
        const section = tx
          .select({ id: sections.id })
          .from(sections)
          .where(and(eq(sections.tenantId, secret.tenantId), eq(sections.id, secret.sectionId)))
          .get();
        if (!section) throw new NotFoundError('section', secret.sectionId);
      }
      tx.insert(enrollmentSecrets).values(secret).run();
      apply(effects);
    });
  }

  async findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null> {
    return this.w.db.select().from(enrollmentSecrets).where(eq(enrollmentSecrets.secretHash, secretHash)).get() ?? null;
  }

  async findById(tenantId: string, id: string): Promise<EnrollmentSecret | null> {
    const row = this.w.db.select().from(enrollmentSecrets).where(and(eq(enrollmentSecrets.tenantId, tenantId), eq(enrollmentSecrets.id, id))).get();
    return row ? withoutSecretHash(row) : null;
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecret>> {
    const rows = this.w.db
      .select()
      .from(enrollmentSecrets)
      .where(
        and(
          eq(enrollmentSecrets.tenantId, tenantId),
          page.afterId ? gt(enrollmentSecrets.id, page.afterId) : undefined,
          includeRevoked ? undefined : isNull(enrollmentSecrets.revokedAt),
        ),
      )
      .orderBy(asc(enrollmentSecrets.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows.map(withoutSecretHash), page.limit);
  }

  async revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<EnrollmentSecret | null> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(enrollmentSecrets.tenantId, tenantId), eq(enrollmentSecrets.id, id));
      const current = tx.select().from(enrollmentSecrets).where(where).get();
      if (!current) return null;
      if (current.revokedAt) return withoutSecretHash(current);
      tx.update(enrollmentSecrets).set({ revokedAt: at }).where(where).run();
      apply(effects);
      return withoutSecretHash({ ...current, revokedAt: at });
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.w.db.update(enrollmentSecrets).set({ lastUsedAt: at }).where(eq(enrollmentSecrets.id, id)).run();
  }
}
