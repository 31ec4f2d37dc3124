/** An agent's current inventory snapshot. */
import type { StoredInventory } from '../../domain/inventory.ts';
import { getAgent } from '../agents/get.ts';
import type { ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

export async function getAgentInventory({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<StoredInventory> {
  // getAgent: 404 unless the agent is in the caller's tenant (another tenant's agent looks unknown).
  const { tenantId } = await getAgent({ ctx, input });
  const inventory = await ctx.repos.inventory.get(tenantId, input.agentId);
  if (!inventory) throw new NotFoundError(`inventory of agent ${input.agentId}`);
  return inventory;
}
