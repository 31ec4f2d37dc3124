/** Tag `inventory`: snapshots, change history, fleet-wide software (what agents submit is tag `agent`). */
import { findSoftware } from '../services/inventory/find-software.ts';
import { getAgentInventory } from '../services/inventory/get.ts';
import { listInventoryChanges } from '../services/inventory/list-changes.ts';
import type { HandlerDeps } from './deps.ts';
import { presentChange, presentInventory, presentSoftwareInstall } from './presenters/inventory.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function inventoryHandlers(_deps: HandlerDeps): TagHandlers<'inventory'> {
  return {
    getAgentInventory: async ({ params }, res, ctx) => res.json(200, presentInventory(await getAgentInventory({ ctx, input: { agentId: params.agentId } }))),
    listInventoryChanges: async ({ params, query }, res, ctx) => res.json(200, presentPage(await listInventoryChanges({ ctx, input: { ...query, agentId: params.agentId } }), presentChange)),
    listSoftware: async ({ query }, res, ctx) => {
      const usage = await findSoftware({ ctx, input: query });
      return res.json(200, { name: usage.name, versions: usage.versions, ...presentPage(usage.installs, presentSoftwareInstall) });
    },
  };
}
