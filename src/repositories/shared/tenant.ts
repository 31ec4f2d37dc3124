/** Tenant query parts shared by both dialects. */
import type { Column } from 'drizzle-orm';
import type { PageRequest } from '../../domain/paging.ts';
import { ascendingPage, type ListQuery } from './paging.ts';
import type { UniqueTarget } from './unique-violation.ts';

export const TENANT_NAME_UNIQUE: UniqueTarget = { constraint: 'tenants_name_unique', columns: 'tenants.name' };

/** All tenants, oldest first. */
export function tenantList(t: { id: Column }, page: PageRequest): ListQuery {
  return ascendingPage(t.id, page);
}
