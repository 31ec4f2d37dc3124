import type { AuditEntry, AuditFilter } from '../../domain/audit.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

export interface AuditRepository {
  /** Newest first. */
  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}
