import type { Policy } from '../../domain/policy.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** A policy of the caller's tenant; other tenants' policies do not exist for it. */
export async function getPolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Policy> {
  const { tenantId } = requirePrincipal(ctx);
  const policy = await ctx.repos.policies.findById(tenantId, input.id);
  if (!policy) throw new NotFoundError('policy', input.id);
  return policy;
}
