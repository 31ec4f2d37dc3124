import type { Tenant } from '../../domain/tenant.ts';
import type { ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';
import { requireSystem } from './system-only.ts';

/** Every tenant of the server, oldest first (system principals only). */
export async function listTenants({ ctx, input }: { ctx: ServiceContext; input: ListInput }): Promise<ListResult<Tenant>> {
  requireSystem(ctx);
  return ctx.repos.tenants.list(pageRequest(input));
}
