/** Console sessions → contract shape. The cookie's secret and its hash never reach here. */
import type { ConsoleSession } from '../../domain/console-session.ts';
import type { OperatorPrincipal } from '../../services/context.ts';
import { iso, type Schema } from './schemas.ts';

export function presentSession(s: ConsoleSession): Schema<'Session'> {
  return {
    id: s.id,
    tenantId: s.tenantId,
    tokenId: s.tokenId,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: iso(s.lastUsedAt),
    expiresAt: s.expiresAt.toISOString(),
    revokedAt: iso(s.revokedAt),
  };
}

export function presentCurrentSession(session: ConsoleSession, p: OperatorPrincipal): Schema<'CurrentSession'> {
  return { session: presentSession(session), principal: { type: 'operator', id: p.tokenId, tenantId: p.tenantId, role: p.role, name: p.name } };
}
