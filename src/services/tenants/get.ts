import type { Tenant } from '../../domain/tenant.ts';
import type { ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { requireSystem } from './system-only.ts';

export async function getTenant({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Tenant> {
  requireSystem(ctx);
  const tenant = await ctx.repos.tenants.findById(input.id);
  if (!tenant) throw new NotFoundError('tenant', input.id);
  return tenant;
}
