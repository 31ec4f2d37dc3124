/** An agent's inventory change history, newest first, paged. */
import type { PathOf, QueryOf } from '../../operation-types.ts';
import type { InventoryChange } from '../../domain/inventory.ts';
import type { Page } from '../../domain/paging.ts';
import { getAgent } from '../agents/get.ts';
import type { ServiceContext } from '../context.ts';
import { pageRequest } from '../paging.ts';

export async function listInventoryChanges({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listInventoryChanges'> & PathOf<'listInventoryChanges'> }): Promise<Page<InventoryChange>> {
  // getAgent: 404 unless the agent is in the caller's tenant.
  const { tenantId } = await getAgent({ ctx, input });
  return ctx.repos.inventory.listChanges(tenantId, input.agentId, pageRequest(input));
}
