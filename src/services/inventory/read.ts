/** Operators read inventory: an agent's current snapshot, its change history, and fleet-wide software. */
import type { InventoryChange, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../../domain/inventory.ts';
import type { Page } from '../../domain/paging.ts';
import { getAgent } from '../agents/fleet.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pageRequest, type ListInput } from '../paging.ts';

export async function getAgentInventory({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<StoredInventory> {
  // getAgent: 404 unless the agent is in the caller's tenant (another tenant's agent looks unknown).
  const { tenantId } = await getAgent({ ctx, input });
  const inventory = await ctx.repos.inventory.get(tenantId, input.agentId);
  if (!inventory) throw new NotFoundError(`inventory of agent ${input.agentId}`);
  return inventory;
}

export async function listInventoryChanges({ ctx, input }: { ctx: ServiceContext; input: ListInput & { agentId: string } }): Promise<Page<InventoryChange>> {
  const { tenantId } = await getAgent({ ctx, input });
  return ctx.repos.inventory.listChanges(tenantId, input.agentId, pageRequest(input));
}

export interface SoftwareUsage {
  name: string;
  versions: SoftwareVersionCount[];
  installs: Page<SoftwareInstall>;
}

export async function findSoftware({ ctx, input }: { ctx: ServiceContext; input: ListInput & { name: string; version?: string } }): Promise<SoftwareUsage> {
  const { tenantId } = requireOperator(ctx);
  const filter = { name: input.name, version: input.version };
  const [versions, installs] = await Promise.all([ctx.repos.inventory.softwareVersions(tenantId, filter), ctx.repos.inventory.softwareInstalls(tenantId, filter, pageRequest(input))]);
  return { name: input.name, versions, installs };
}
