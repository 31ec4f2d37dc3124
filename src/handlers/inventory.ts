/** Tag `inventory` (and the agent-facing submission): snapshots, change history, fleet-wide software. */
import type { InventoryChange, StoredInventory } from '../domain/inventory.ts';
import { findSoftware, getAgentInventory, listInventoryChanges } from '../services/inventory/read.ts';
import { submitInventory } from '../services/ingest/submit.ts';
import type { SubmissionInput } from '../services/ingest/prepare.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters.ts';
import type { HandlerMap } from './types.ts';

type InventoryHandlers = Pick<HandlerMap, 'submitInventory' | 'getAgentInventory' | 'listInventoryChanges' | 'listSoftware'>;

export function inventoryHandlers({ repos, config, ingest }: HandlerDeps): InventoryHandlers {
  return {
    submitInventory: async (c, { body }, res) => {
      const result = await submitInventory({ ctx: serviceContext(c, repos), input: body as SubmissionInput, sink: ingest.sink, limits: config.ingest });
      for (const r of result.rejected) ingest.metrics.samplesRejected.inc({ reason: r.reason });
      return res.json(202, result);
    },
    getAgentInventory: async (c, { params }, res) => res.json(200, presentInventory(await getAgentInventory({ ctx: serviceContext(c, repos), input: { agentId: params.agentId } }))),
    listInventoryChanges: async (c, { params, query }, res) =>
      res.json(200, presentPage(await listInventoryChanges({ ctx: serviceContext(c, repos), input: { ...query, agentId: params.agentId } }), presentChange)),
    listSoftware: async (c, { query }, res) => {
      const usage = await findSoftware({ ctx: serviceContext(c, repos), input: query });
      return res.json(200, { name: usage.name, versions: usage.versions, ...presentPage(usage.installs, (i) => ({ agentId: i.agentId, version: i.version })) });
    },
  };
}

function presentInventory(inv: StoredInventory) {
  return { agentId: inv.agentId, collectedAt: inv.collectedAt.toISOString(), receivedAt: inv.receivedAt.toISOString(), snapshot: inv.snapshot };
}

function presentChange(c: InventoryChange) {
  return {
    id: c.id,
    agentId: c.agentId,
    kind: c.kind,
    name: c.name,
    before: c.before,
    after: c.after,
    collectedAt: c.collectedAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
  };
}
