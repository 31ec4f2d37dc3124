import type { QueryOf } from '../../operation-types.ts';
import type { Tenant } from '../../domain/tenant.ts';
import type { ServiceContext } from '../context.ts';
import { pageRequest, type ListResult } from '../paging.ts';
import { requireSystem } from './system-only.ts';

/** Every tenant of the server, oldest first (system principals only). */
export async function listTenants({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listTenants'> }): Promise<ListResult<Tenant>> {
  requireSystem(ctx);
  return ctx.repos.tenants.list(pageRequest(input));
}
