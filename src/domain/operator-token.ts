/** Operator API tokens. The stored hash stays in OperatorTokenRecord; see `publicToken`. */

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

/**
 * The token without its hash. Secrets are stripped here and only here, by the services before they hand
 * a token on (to handlers, audit, events): repositories return records, presenters receive public objects.
 */
export function publicToken(record: OperatorTokenRecord): OperatorToken {
  const { secretHash: _secretHash, ...token } = record;
  return token;
}
