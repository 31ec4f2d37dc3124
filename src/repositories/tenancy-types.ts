/**
 * Repository ports for a tenant's organisation: sections and enrollment secrets. Re-exported from
 * types.ts; implementations in sqlite/ and postgres/.
 */
import type { Page, PageRequest, WriteEffects } from './types.ts';

export interface Section {
  id: string;
  tenantId: string;
  /** Unique within the tenant. */
  name: string;
  description: string | null;
  /** Starts at 1; every change increments it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a conditional write of a section found: done, gone, or another version than expected. */
export type SectionWriteOutcome = { kind: 'done' } | { kind: 'not-found' } | { kind: 'stale'; currentVersion: number };

export interface SectionRepository {
  /** Throws NameTakenError when the tenant has a section of that name. */
  create(section: Section, effects: WriteEffects): Promise<void>;
  findById(tenantId: string, id: string): Promise<Section | null>;
  /** Oldest first (by id). */
  list(tenantId: string, page: PageRequest): Promise<Page<Section>>;
  /**
   * Replaces the section's name, description, version and updatedAt with `next`'s when it is still at
   * `expectedVersion`. Throws NameTakenError when another section of the tenant has the new name.
   */
  update(next: Section, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome>;
  /**
   * Deletes the section when it is still at `expectedVersion`. Its agents keep existing without a
   * section; its enrollment secrets are deleted with it (foreign keys).
   */
  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome>;
}

export interface EnrollmentSecret {
  id: string;
  tenantId: string;
  /** Agents enrolled with it join this section; null: the tenant, no section. */
  sectionId: string | null;
  name: string;
  /** The first characters of the secret, for recognising it in lists. */
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** An enrollment secret with its stored hash: only enrollment sees this. */
export interface EnrollmentSecretRecord extends EnrollmentSecret {
  secretHash: string;
}

export interface EnrollmentSecretRepository {
  /** Throws NotFoundError when `sectionId` is set and is not a section of the secret's tenant. */
  create(secret: EnrollmentSecretRecord, effects: WriteEffects): Promise<void>;
  /** Any tenant's secret by the hash of what an agent presented; revoked and expired ones included (the caller judges). */
  findByHash(secretHash: string): Promise<EnrollmentSecretRecord | null>;
  findById(tenantId: string, id: string): Promise<EnrollmentSecret | null>;
  /** Oldest first (by id); revoked ones only when asked. */
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<EnrollmentSecret>>;
  /** Sets `revokedAt` unless already set; returns the secret as it is afterwards, null when not in this tenant. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<EnrollmentSecret | null>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}
