import type { EnrollmentSecretRecord } from '../../domain/enrollment-secret.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { EnrollmentSecretRepository } from '../ports/enrollment-secret.ts';
import { tenantRow } from '../shared/conditions.ts';
import { enrollmentSecrets, sections } from './schema.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, PgRevocableSecrets } from './revocable-secrets.ts';
import type { PgWriter } from './transaction.ts';

export class PgEnrollmentSecretRepository extends PgRevocableSecrets<EnrollmentSecretRecord> implements EnrollmentSecretRepository {
  constructor(writer: PgWriter) {
    super(writer, enrollmentSecrets, (db) => db.select().from(enrollmentSecrets));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(enrollmentSecrets).set(changes);
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
}
