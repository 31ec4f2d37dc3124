/** Query parts of the revocable secrets (operator tokens, enrollment secrets), shared by both dialects. */
import { and, eq, isNull, type Column } from 'drizzle-orm';
import type { PageRequest } from '../../domain/paging.ts';
import { ascendingPage, type ListQuery } from './paging.ts';

/** The columns both revocable tables have and the shared queries use. */
export type RevocableColumns = { id: Column; tenantId: Column; secretHash: Column; revokedAt: Column };

/** The two writes to a revocable secret besides its insert: revoking it, and noting its use. */
export type RevocableChanges = { revokedAt: Date } | { lastUsedAt: Date };

/** The tenant's secrets, oldest first; revoked ones only when asked. */
export function revocableList(t: RevocableColumns, tenantId: string, page: PageRequest, includeRevoked: boolean): ListQuery {
  return ascendingPage(t.id, page, and(eq(t.tenantId, tenantId), includeRevoked ? undefined : isNull(t.revokedAt)));
}
