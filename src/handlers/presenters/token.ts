/** Operator tokens → contract shape. The secret and its hash never reach here. */
import type { OperatorToken } from '../../domain/operator-token.ts';
import { iso, type Schema } from './schemas.ts';

export function presentToken(t: OperatorToken): Schema<'Token'> {
  return {
    id: t.id,
    tenantId: t.tenantId,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
