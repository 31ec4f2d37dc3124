/** Operators list the fleet of their tenant, filtered and paged. */
import type { QueryOf } from '../../operation-types.ts';
import type { Agent } from '../../domain/agent.ts';
import type { Page } from '../../domain/paging.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest } from '../paging.ts';

export async function listAgents({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listAgents'> }): Promise<Page<Agent>> {
  const { tenantId } = requireOperator(ctx);
  const { limit, cursor, ...filter } = input;
  const page = await ctx.repos.agents.list(tenantId, filter, pageRequest({ limit, cursor }));
  return { ...page, items: page.items.map(publicAgent) };
}
