/** Inventory snapshots, the change history derived from them, and fleet-wide software reads. */
import type { NewEvent } from './event.ts';
import type { IngestItem } from './ingest.ts';

export interface SoftwarePackage {
  name: string;
  version: string;
}

/** A snapshot as submitted, after validation. `software` is the snapshot's package list, deduplicated by name. */
export interface InventorySubmission {
  collectedAt: Date;
  snapshot: Record<string, unknown>;
  software: SoftwarePackage[];
  /** Content hash of the snapshot (without collectedAt): an identical resubmission changes nothing. */
  hash: string;
}

export interface StoredInventory {
  tenantId: string;
  agentId: string;
  collectedAt: Date;
  receivedAt: Date;
  snapshot: Record<string, unknown>;
  hash: string;
}

export type InventoryChangeKind = 'software_installed' | 'software_removed' | 'software_upgraded' | 'hardware_changed';

export interface InventoryChange {
  /** UUIDv7: the cursor order. */
  id: string;
  tenantId: string;
  agentId: string;
  kind: InventoryChangeKind;
  /** Package name, or the hardware section that changed (`cpu`, `memory`, `disks`, …). */
  name: string;
  /** Version or section content before and after (null when installed / removed). */
  before: unknown;
  after: unknown;
  collectedAt: Date;
  createdAt: Date;
}

/**
 * The business rule comparing snapshots, passed in by the service so that the repository runs it inside
 * the write transaction against the snapshot it read there. Returns null when `next` is not newer than
 * `previous` (a redelivered or out-of-order snapshot): nothing is written for it.
 */
export type InventoryDiffer = (previous: StoredInventory | null, next: IngestItem & { inventory: InventorySubmission }) => InventoryDiff | null;

export interface InventoryDiff {
  changes: InventoryChange[];
  /** Events for the feed, written in the same transaction (type `inventory_changed`). */
  events: NewEvent[];
}

export interface SoftwareVersionCount {
  version: string;
  agents: number;
}

export interface SoftwareInstall {
  agentId: string;
  name: string;
  version: string;
}

export interface SoftwareFilter {
  name: string;
  version?: string;
}
