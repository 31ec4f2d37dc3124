/** Audit log query parts shared by both dialects. */
import { and, eq, gte, lt, type Column } from 'drizzle-orm';
import type { AuditFilter } from '../../domain/audit.ts';
import type { PageRequest } from '../../domain/paging.ts';
import { descendingPage, type ListQuery } from './paging.ts';

type AuditColumns = Record<'id' | 'tenantId' | 'action' | 'resourceType' | 'resourceId' | 'actorId' | 'createdAt', Column>;

/** The tenant's audit entries matching the filter, newest first. */
export function auditList(t: AuditColumns, tenantId: string, filter: AuditFilter, page: PageRequest): ListQuery {
  const where = and(
    eq(t.tenantId, tenantId),
    filter.action ? eq(t.action, filter.action) : undefined,
    filter.resourceType ? eq(t.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(t.resourceId, filter.resourceId) : undefined,
    filter.actorId ? eq(t.actorId, filter.actorId) : undefined,
    filter.since ? gte(t.createdAt, filter.since) : undefined,
    filter.until ? lt(t.createdAt, filter.until) : undefined,
  );
  return descendingPage(t.id, page, where);
}
