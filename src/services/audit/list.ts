import type { AuditEntry, AuditFilter } from '../../domain/audit.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listAuditEntries({ ctx, input }: { ctx: ServiceContext; input: ListInput & AuditFilter }): Promise<ListResult<AuditEntry>> {
  const principal = requirePrincipal(ctx);
  const { limit, cursor, ...filter } = input;
  return ctx.repos.audit.list(principal.tenantId, filter, pageRequest({ limit, cursor }));
}
