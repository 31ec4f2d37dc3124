/** Operator API tokens. The stored hash stays in OperatorTokenRecord (stripped by `publicToken`, secrets.ts). */

export type Role = 'viewer' | 'operator' | 'admin' | 'system';

export interface OperatorToken {
  id: string;
  tenantId: string;
  name: string;
  /** The first characters of the secret, for recognising it in lists. */
  prefix: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A token with its stored hash, as repositories return it: only services see this. */
export interface OperatorTokenRecord extends OperatorToken {
  secretHash: string;
}
