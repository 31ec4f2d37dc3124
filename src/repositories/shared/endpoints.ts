/** Dialect-neutral parts of the endpoint repositories: row ↔ domain mapping and list filters. */
import { and, eq, gt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { CheckType, EndpointOrigin, MonitoredEndpoint } from '../../domain/endpoint.ts';
import type { EndpointListFilter } from '../ports/endpoints.ts';
import type { PageRequest } from '../../domain/paging.ts';

/** The columns as both schemas type them once selected. */
export interface EndpointRow {
  id: string;
  tenantId: string;
  name: string;
  address: string;
  checkType: CheckType | null;
  port: number | null;
  intervalSec: number;
  timeoutSec: number;
  tags: string[];
  enabled: boolean;
  assignedAgentIds: string[];
  assignedSectionId: string | null;
  assignedTags: string[];
  origin: EndpointOrigin;
  reportedBy: string | null;
  linkedEndpointId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toEndpoint(r: EndpointRow): MonitoredEndpoint {
  const { assignedAgentIds, assignedSectionId, assignedTags, ...rest } = r;
  return { ...rest, assignment: { agentIds: assignedAgentIds, sectionId: assignedSectionId, tags: assignedTags } };
}

export function toEndpointRow(e: MonitoredEndpoint): EndpointRow {
  const { assignment, ...rest } = e;
  return { ...rest, assignedAgentIds: assignment.agentIds, assignedSectionId: assignment.sectionId, assignedTags: assignment.tags };
}

type Column = SQLiteColumn | PgColumn;
interface EndpointColumns {
  id: Column;
  tenantId: Column;
  origin: Column;
}

/** Tenant, optional origin and cursor: the WHERE of a list page. */
export function endpointListWhere(t: EndpointColumns, tenantId: string, filter: EndpointListFilter, page: PageRequest): SQL | undefined {
  return and(eq(t.tenantId, tenantId), filter.origin ? eq(t.origin, filter.origin) : undefined, page.afterId ? gt(t.id, page.afterId) : undefined);
}

export const sharesTag = (e: MonitoredEndpoint, tags: readonly string[]): boolean => e.tags.some((t) => tags.includes(t));
