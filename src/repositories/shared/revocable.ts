/** Query parts of the revocable secrets (operator tokens, enrollment secrets), shared by both dialects. */
import { and, eq, isNull, type Column } from 'drizzle-orm';
import type { PageRequest } from '../../domain/paging.ts';
import { ascendingPage, type ListQuery } from './paging.ts';

/** The tenant's secrets, oldest first; revoked ones only when asked. */
export function revocableList(t: { id: Column; tenantId: Column; revokedAt: Column }, tenantId: string, page: PageRequest, includeRevoked: boolean): ListQuery {
  return ascendingPage(t.id, page, and(eq(t.tenantId, tenantId), includeRevoked ? undefined : isNull(t.revokedAt)));
}
