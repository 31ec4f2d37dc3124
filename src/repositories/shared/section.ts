/** Section query parts shared by both dialects. */
import { eq, ne, type Column, type SQL } from 'drizzle-orm';
import { allOf } from './conditions.ts';
import type { PageRequest } from '../../domain/paging.ts';
import { ascendingPage, type ListQuery } from './paging.ts';
import type { UniqueTarget } from './unique-violation.ts';

type SectionColumns = { id: Column; tenantId: Column; name: Column };

export const SECTION_NAME_UNIQUE: UniqueTarget = { constraint: 'sections_tenant_name_key', columns: 'sections.tenant_id, sections.name' };

/** The tenant's sections, oldest first. */
export function sectionList(t: SectionColumns, tenantId: string, page: PageRequest): ListQuery {
  return ascendingPage(t.id, page, eq(t.tenantId, tenantId));
}

/** Another section of the tenant with this name (other than `exceptId`): the name is taken. */
export function sectionNamed(t: SectionColumns, tenantId: string, name: string, exceptId?: string): SQL {
  return allOf(eq(t.tenantId, tenantId), eq(t.name, name), exceptId ? ne(t.id, exceptId) : undefined);
}
