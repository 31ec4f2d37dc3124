/** Dialect-independent pieces of the ingestion write: the inventory rows to write. */
import type { InventoryDiff, InventorySubmission, SoftwarePackage } from '../../domain/inventory.ts';
import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';
import type { NewEvent } from '../../domain/event.ts';

export type ItemWithInventory = IngestItem & { inventory: InventorySubmission };

export const hasInventory = (item: IngestItem): item is ItemWithInventory => item.inventory !== null;

/** What to change in an agent's software rows to go from `current` (name → version) to `next`. */
export function softwareChanges(current: ReadonlyMap<string, string>, next: readonly SoftwarePackage[]): { remove: string[]; upsert: SoftwarePackage[] } {
  const wanted = new Map<string, string>();
  for (const p of next) wanted.set(p.name, p.version);
  const remove = [...current.keys()].filter((name) => !wanted.has(name));
  const upsert: SoftwarePackage[] = [];
  for (const [name, version] of wanted) if (current.get(name) !== version) upsert.push({ name, version });
  return { remove, upsert };
}

export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** The snapshot columns an item writes (insert, or replace the agent's current snapshot). */
export function snapshotColumns(item: ItemWithInventory): { collectedAt: Date; receivedAt: Date; snapshot: Record<string, unknown>; hash: string } {
  return { collectedAt: item.inventory.collectedAt, receivedAt: item.receivedAt, snapshot: item.inventory.snapshot, hash: item.inventory.hash };
}

/** Change rows as stored: an absent side (installed, removed) is a SQL null. */
export const changeRows = (diff: InventoryDiff) => diff.changes.map((c) => ({ ...c, before: c.before ?? null, after: c.after ?? null }));

/** Counts one written inventory into the batch's result and collects its events (written once, after the loop). */
export function tally(result: IngestWriteResult, events: NewEvent[], written: InventoryDiff | null): void {
  if (!written) return;
  result.inventoriesWritten++;
  result.changesWritten += written.changes.length;
  events.push(...written.events);
}

export const emptyResult = (): IngestWriteResult => ({ samplesWritten: 0, inventoriesWritten: 0, changesWritten: 0 });
