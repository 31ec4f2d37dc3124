import type { EnrollmentSecretRecord } from '../../domain/enrollment-secret.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

/** Returns records (with the hash); services strip it (domain/secrets.ts) before handing a secret on. */
export interface EnrollmentSecretRepository {
  /** `not_found` when `sectionId` is set and is not a section of the secret's tenant (checked in the writing transaction). */
  create(secret: EnrollmentSecretRecord, effects: WriteEffects): Promise<Done | NotFound>;
  /** Any tenant's secret by the hash of what an agent presented; revoked and expired ones included (the caller judges). */
  findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null>;
  findById(tenantId: string, id: string): Promise<EnrollmentSecretRecord | null>;
  /** Oldest first (by id); revoked ones only when asked. */
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecretRecord>>;
  /** Sets `revokedAt` unless already set (then nothing is written); `done` with the secret as it is afterwards. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<Done<EnrollmentSecretRecord> | NotFound>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}
