/**
 * Inventory change detection: compares a new snapshot with the stored one. Software is compared by
 * package name (installed / removed / upgraded, where "upgraded" means any version change); hardware and
 * OS sections are compared as whole values. The first snapshot of an agent is its baseline: no changes,
 * one `inventory_changed` event saying so. Runs inside the write transaction (see IngestRepository).
 */
import type { InventoryChange, InventoryDiff, InventoryDiffer } from '../../domain/inventory.ts';
import type { NewEvent } from '../../domain/event.ts';
import { newId } from '../ids.ts';
import { stableJson } from '../ingest/prepare.ts';

/** Snapshot sections compared as a whole; each difference is one `hardware_changed` change. */
export const HARDWARE_SECTIONS = ['hostname', 'os', 'kernel', 'cpu', 'memory', 'disks', 'networkInterfaces'] as const;

export const diffInventory: InventoryDiffer = (previous, next) => {
  const inv = next.inventory;
  if (previous && previous.collectedAt.getTime() >= inv.collectedAt.getTime()) return null;
  const createdAt = next.receivedAt;
  const base = { tenantId: next.tenantId, agentId: next.agentId, collectedAt: inv.collectedAt, createdAt };
  if (!previous) {
    const event: NewEvent = {
      tenantId: next.tenantId,
      type: 'inventory_changed',
      resourceType: 'agent',
      resourceId: next.agentId,
      data: { agentId: next.agentId, baseline: true, software: inv.software.length, collectedAt: inv.collectedAt.toISOString() },
      createdAt,
    };
    return { changes: [], events: [event] };
  }
  if (previous.hash === inv.hash) return { changes: [], events: [] };
  const changes: InventoryChange[] = [];
  const change = (kind: InventoryChange['kind'], name: string, before: unknown, after: unknown) => changes.push({ id: newId(), ...base, kind, name, before: before ?? null, after: after ?? null });

  for (const section of HARDWARE_SECTIONS) {
    const before = previous.snapshot[section];
    const after = inv.snapshot[section];
    if (stableJson(before ?? null) !== stableJson(after ?? null)) change('hardware_changed', section, before, after);
  }
  const oldVersions = softwareVersions(previous.snapshot);
  const newVersions = new Map(inv.software.map((p) => [p.name, p.version]));
  for (const [name, version] of newVersions) {
    const old = oldVersions.get(name);
    if (old === undefined) change('software_installed', name, null, version);
    else if (old !== version) change('software_upgraded', name, old, version);
  }
  for (const [name, version] of oldVersions) if (!newVersions.has(name)) change('software_removed', name, version, null);

  const events: NewEvent[] = changes.map((c) => ({
    tenantId: c.tenantId,
    type: 'inventory_changed',
    resourceType: 'agent',
    resourceId: c.agentId,
    data: { agentId: c.agentId, changeId: c.id, kind: c.kind, name: c.name, before: c.before, after: c.after },
    createdAt,
  }));
  return { changes, events } satisfies InventoryDiff;
};

function softwareVersions(snapshot: Record<string, unknown>): Map<string, string> {
  const list = Array.isArray(snapshot.software) ? (snapshot.software as { name: string; version: string }[]) : [];
  return new Map(list.map((p) => [p.name, p.version]));
}
