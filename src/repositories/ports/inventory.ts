import type { InventoryChange, SoftwareFilter, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../../domain/inventory.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

export interface InventoryRepository {
  get(tenantId: string, agentId: string): Promise<StoredInventory | null>;
  /** Newest first. `afterId` continues after that change. */
  listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>>;
  /** Agents with the package installed per version (all versions, ignoring `version`), most agents first. */
  softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]>;
  /** Agents that have the package (optionally that version), by agent id; `afterId` is an agent id. */
  softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>>;
  /** Deletes change history older than `cutoff`; returns how many rows. */
  pruneChanges(cutoff: Date): Promise<number>;
}
