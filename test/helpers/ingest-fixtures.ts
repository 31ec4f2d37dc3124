/** Items, samples, snapshots and a stand-in inventory differ for the ingest repository tests (both dialects). */
import type { IngestItem } from '../../src/domain/ingest.ts';
import type { InventoryChange, InventoryDiffer, InventorySubmission, SoftwarePackage } from '../../src/domain/inventory.ts';
import type { NewEvent } from '../../src/domain/event.ts';
import type { TelemetryRow } from '../../src/domain/telemetry.ts';
import { newId } from '../../src/services/ids.ts';
import { canonicalLabels } from '../../src/services/ingest/prepare.ts';
import type { useRepositories } from './repository-suite.ts';

export const at = (iso: string) => new Date(iso);
export const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
export const MIN = 60_000;
export const DAY = 86_400_000;

export function sample(tenantId: string, agentId: string, metric: string, ts: Date, value: number, labels: Record<string, string> = {}): TelemetryRow {
  return { tenantId, agentId, metric, ts, value, labels, labelsKey: canonicalLabels(labels) };
}

export function item(tenantId: string, agentId: string, samples: TelemetryRow[], inventory: InventorySubmission | null = null, receivedAt = new Date()): IngestItem {
  return { tenantId, agentId, receivedAt, samples, inventory };
}

export function submission(collectedAt: Date, software: SoftwarePackage[], hardware: Record<string, unknown> = { cpu: { cores: 4 } }): InventorySubmission {
  const snapshot = { hardware, software };
  return { collectedAt, snapshot, software, hash: JSON.stringify(snapshot) };
}

/**
 * A small stand-in for the real differ (src/services/inventory/diff.ts): newer snapshots only, software
 * installed / removed / upgraded by name, hardware sections compared as JSON; one event per diff.
 */
export const differ: InventoryDiffer = (previous, next) => {
  const inv = next.inventory;
  if (previous && inv.collectedAt.getTime() <= previous.collectedAt.getTime()) return null;
  const createdAt = new Date();
  const change = (kind: InventoryChange['kind'], name: string, before: unknown, after: unknown): InventoryChange => ({
    id: newId(),
    tenantId: next.tenantId,
    agentId: next.agentId,
    kind,
    name,
    before,
    after,
    collectedAt: inv.collectedAt,
    createdAt,
  });
  const was = new Map(((previous?.snapshot.software as SoftwarePackage[] | undefined) ?? []).map((p) => [p.name, p.version]));
  const now = new Map(inv.software.map((p) => [p.name, p.version]));
  const changes: InventoryChange[] = [];
  for (const [name, version] of now) {
    const before = was.get(name);
    if (before === undefined) changes.push(change('software_installed', name, null, version));
    else if (before !== version) changes.push(change('software_upgraded', name, before, version));
  }
  for (const [name, version] of was) if (!now.has(name)) changes.push(change('software_removed', name, version, null));
  const hwBefore = (previous?.snapshot.hardware ?? {}) as Record<string, unknown>;
  const hwAfter = (inv.snapshot.hardware ?? {}) as Record<string, unknown>;
  for (const section of new Set([...Object.keys(hwBefore), ...Object.keys(hwAfter)])) {
    if (JSON.stringify(hwBefore[section]) !== JSON.stringify(hwAfter[section])) changes.push(change('hardware_changed', section, hwBefore[section] ?? null, hwAfter[section] ?? null));
  }
  const events: NewEvent[] = [{ tenantId: next.tenantId, type: 'inventory_changed', resourceType: 'agent', resourceId: next.agentId, data: { changes: changes.length }, createdAt }];
  return { changes, events };
};

/** A tenant and an agent of it, created through the suite's repositories. */
export async function newTenantAndAgent(suite: ReturnType<typeof useRepositories>): Promise<{ t: string; a: string }> {
  const t = await suite.tenant();
  const a = await suite.agent(t.id);
  return { t: t.id, a: a.id };
}
