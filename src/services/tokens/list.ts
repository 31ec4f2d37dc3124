import type { QueryOf } from '../../operation-types.ts';
import type { OperatorToken } from '../../domain/operator-token.ts';
import { publicToken } from '../../domain/secrets.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListResult } from '../paging.ts';

export async function listTokens({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listTokens'> }): Promise<ListResult<OperatorToken>> {
  const principal = requirePrincipal(ctx);
  const page = await ctx.repos.operatorTokens.list(principal.tenantId, pageRequest(input), input.includeRevoked ?? false);
  return { ...page, items: page.items.map(publicToken) };
}
