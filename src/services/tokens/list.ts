import type { OperatorToken } from '../../repositories/types.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listTokens({ ctx, input }: { ctx: ServiceContext; input: ListInput & { includeRevoked?: boolean } }): Promise<ListResult<OperatorToken>> {
  const principal = requirePrincipal(ctx);
  return ctx.repos.operatorTokens.list(principal.tenantId, pageRequest(input), input.includeRevoked ?? false);
}
