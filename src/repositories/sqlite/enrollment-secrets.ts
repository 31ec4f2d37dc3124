import type { EnrollmentSecretRecord } from '../../domain/enrollment-secret.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { EnrollmentSecretRepository } from '../ports/enrollment-secret.ts';
import { tenantRow } from '../shared/conditions.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, SqliteRevocableSecrets } from './revocable-secrets.ts';
import { anyRow } from './rows.ts';
import { enrollmentSecrets, sections } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteEnrollmentSecretRepository extends SqliteRevocableSecrets<EnrollmentSecretRecord> implements EnrollmentSecretRepository {
  constructor(writer: SqliteWriter) {
    super(writer, enrollmentSecrets, (db) => db.select().from(enrollmentSecrets));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(enrollmentSecrets).set(changes);
  }

  async create(secret: EnrollmentSecretRecord, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      if (secret.sectionId !== null && !anyRow(tx.select({ id: sections.id }).from(sections), tenantRow(sections, secret.tenantId, secret.sectionId))) return NOT_FOUND;
      tx.insert(enrollmentSecrets).values(secret).run();
      apply(effects);
      return done();
    });
  }
}
