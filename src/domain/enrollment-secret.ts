/** Enrollment secrets: what agents present to enroll into a tenant (or one of its sections). */

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

/** An enrollment secret with its stored hash, as repositories return it: only services see this. */
export interface EnrollmentSecretRecord extends EnrollmentSecret {
  secretHash: string;
}
