import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { NotFoundError } from '../../services/errors.ts';
import type { EnrollmentSecret, EnrollmentSecretRecord, EnrollmentSecretRepository, Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { withoutSecretHash } from '../shared/tenancy-mappers.ts';
import { enrollmentSecrets, sections } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export class PgEnrollmentSecretRepository implements EnrollmentSecretRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  create(secret: EnrollmentSecretRecord, effects: WriteEffects): Promise<void> {
    return this.w.transaction(async (tx, apply) => {
      if (secret.sectionId !== null) {
        // KEY SHARE: a concurrent delete of the section waits for this insert (then cascades to it).
        const [section] = await tx
          .select({ id: sections.id })
          .from(sections)
          .where(and(eq(sections.tenantId, secret.tenantId), eq(sections.id, secret.sectionId)))
          .for('key share');
        if (!section) throw new NotFoundError('section', secret.sectionId);
      }
      await tx.insert(enrollmentSecrets).values(secret);
      await apply(effects);
    });
  }

  findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null> {
    return this.w.pool.run(async (db) => (await db.select().from(enrollmentSecrets).where(eq(enrollmentSecrets.secretHash, secretHash)).limit(1))[0] ?? null);
  }

  findById(tenantId: string, id: string): Promise<EnrollmentSecret | null> {
    return this.w.pool.run(async (db) => {
      const [row] = await db.select().from(enrollmentSecrets).where(and(eq(enrollmentSecrets.tenantId, tenantId), eq(enrollmentSecrets.id, id))).limit(1);
      return row ? withoutSecretHash(row) : null;
    });
  }

  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecret>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
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
        .limit(page.limit + 1);
      return toPage(rows.map(withoutSecretHash), page.limit);
    });
  }

  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<EnrollmentSecret | null> {
    return this.w.transaction(async (tx, apply) => {
      const where = and(eq(enrollmentSecrets.tenantId, tenantId), eq(enrollmentSecrets.id, id));
      const [current] = await tx.select().from(enrollmentSecrets).where(where).for('update');
      if (!current) return null;
      if (current.revokedAt) return withoutSecretHash(current);
      await tx.update(enrollmentSecrets).set({ revokedAt: at }).where(where);
      await apply(effects);
      return withoutSecretHash({ ...current, revokedAt: at });
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(enrollmentSecrets).set({ lastUsedAt: at }).where(eq(enrollmentSecrets.id, id)));
  }
}
