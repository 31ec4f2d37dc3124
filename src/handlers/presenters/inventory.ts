/** Inventory snapshots, their changes and fleet-wide software → contract shapes. */
import type { InventoryChange, SoftwareInstall, StoredInventory } from '../../domain/inventory.ts';
import type { Schema } from './schemas.ts';

export function presentInventory(inv: StoredInventory): Schema<'AgentInventory'> {
  return { agentId: inv.agentId, collectedAt: inv.collectedAt.toISOString(), receivedAt: inv.receivedAt.toISOString(), snapshot: inv.snapshot };
}

export function presentChange(c: InventoryChange): Schema<'InventoryChange'> {
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

export function presentSoftwareInstall(i: SoftwareInstall) {
  return { agentId: i.agentId, version: i.version };
}
