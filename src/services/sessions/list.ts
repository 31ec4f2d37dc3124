import type { ConsoleSession } from '../../domain/console-session.ts';
import type { QueryOf } from '../../operation-types.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest, type ListResult } from '../paging.ts';
import { publicSession } from './public.ts';

export async function listSessions({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listSessions'> }): Promise<ListResult<ConsoleSession>> {
  const principal = requireOperator(ctx);
  const page = await ctx.repos.consoleSessions.list(principal.tenantId, pageRequest(input), input.includeRevoked ?? false);
  return { ...page, items: page.items.map(publicSession) };
}
