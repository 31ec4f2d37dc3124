import type { OperatorToken } from '../../domain/operator-token.ts';
import { publicToken } from '../../domain/secrets.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listTokens({ ctx, input }: { ctx: ServiceContext; input: ListInput & { includeRevoked?: boolean } }): Promise<ListResult<OperatorToken>> {
  const principal = requirePrincipal(ctx);
  const page = await ctx.repos.operatorTokens.list(principal.tenantId, pageRequest(input), input.includeRevoked ?? false);
  return { ...page, items: page.items.map(publicToken) };
}
