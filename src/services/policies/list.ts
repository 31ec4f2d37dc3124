import type { Policy, PolicyFilter } from '../../domain/policy.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listPolicies({ ctx, input }: { ctx: ServiceContext; input: ListInput & PolicyFilter }): Promise<ListResult<Policy>> {
  const { tenantId } = requirePrincipal(ctx);
  const filter: PolicyFilter = { scope: input.scope, target: input.target };
  return ctx.repos.policies.list(tenantId, filter, pageRequest(input));
}
