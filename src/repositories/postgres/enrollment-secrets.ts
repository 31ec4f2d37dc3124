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
import type { PgWriter } from './transaction.ts';

export class PgEnrollmentSecretRepository implements EnrollmentSecretRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  create(secret: EnrollmentSecretRecord, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      if (secret.sectionId !== null) {
        // KEY SHARE: a concurrent delete of the section waits for this insert (then cascades to it).
        const [section] = await tx
          .select({ id: sections.id })
          .from(sections)
          .where(tenantRow(sections, secret.tenantId, secret.sectionId))
          .for('key share');
        if (!section) return NOT_FOUND;
      }
      await tx.insert(enrollmentSecrets).values(secret);
      await apply(effects);
      return done();
    });
  }

  findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(enrollmentSecrets), eq(enrollmentSecrets.secretHash, secretHash)));
  }

  findById(tenantId: string, id: string): Promise<EnrollmentSecretRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(enrollmentSecrets), tenantRow(enrollmentSecrets, tenantId, id)));
  }

  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecretRecord>> {
    const q = revocableList(enrollmentSecrets, tenantId, page, includeRevoked);
    return this.w.pool.run(async (db) => toPage(await db.select().from(enrollmentSecrets).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const where = tenantRow(enrollmentSecrets, tenantId, id);
      // The conditional update takes the row lock: a concurrent revoke waits, then matches nothing (written once).
      const [revoked] = await tx
        .update(enrollmentSecrets)
        .set({ revokedAt: at })
        .where(and(where, isNull(enrollmentSecrets.revokedAt)))
        .returning();
      if (revoked) await apply(effects);
      const secret = revoked ?? (await tx.select().from(enrollmentSecrets).where(where))[0];
      return secret ? done(secret) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(enrollmentSecrets).set({ lastUsedAt: at }).where(eq(enrollmentSecrets.id, id)));
  }
}
