/** Dialect-independent pieces of the ingestion write and the telemetry storage maintenance. */
import type { IngestItem } from '../../domain/ingest.ts';
import type { InventorySubmission, SoftwarePackage } from '../../domain/inventory.ts';
import type { TelemetryAggregate, TelemetryRangeQuery, TelemetryRow } from '../../domain/telemetry.ts';

export const DAY_MS = 86_400_000;

export type ItemWithInventory = IngestItem & { inventory: InventorySubmission };

export const hasInventory = (item: IngestItem): item is ItemWithInventory => item.inventory !== null;

const seriesKey = (s: TelemetryRow) => `${s.agentId}\u0000${s.metric}\u0000${s.labelsKey}`;

/**
 * The newest sample per agent + metric + labels across the batch, for the latest-value upsert. On a tie
 * the first wins, as in the samples table (a redelivered sample does not replace the stored one).
 */
export function newestPerSeries(items: readonly IngestItem[]): TelemetryRow[] {
  const newest = new Map<string, TelemetryRow>();
  for (const item of items) {
    for (const s of item.samples) {
      const key = seriesKey(s);
      const seen = newest.get(key);
      if (!seen || s.ts.getTime() > seen.ts.getTime()) newest.set(key, s);
    }
  }
  return [...newest.values()];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Samples in primary-key order: concurrent batches then take row locks in the same order (no deadlocks). */
export function byPrimaryKey(rows: TelemetryRow[]): TelemetryRow[] {
  return rows.sort((a, b) => compare(a.agentId, b.agentId) || compare(a.metric, b.metric) || a.ts.getTime() - b.ts.getTime() || compare(a.labelsKey, b.labelsKey));
}

/** Latest values in primary-key order (agent, metric, labels key), for the same reason. */
export function bySeries(rows: TelemetryRow[]): TelemetryRow[] {
  return rows.sort((a, b) => compare(a.agentId, b.agentId) || compare(a.metric, b.metric) || compare(a.labelsKey, b.labelsKey));
}

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

const AGGREGATES: readonly TelemetryAggregate[] = ['avg', 'min', 'max', 'last'];

/** Validates a range query; false when it cannot contain any sample (empty or inverted interval). */
export function checkRange(q: TelemetryRangeQuery): boolean {
  if (!Number.isSafeInteger(q.stepMs) || q.stepMs <= 0) throw new RangeError(`stepMs must be a positive integer, got ${q.stepMs}`);
  if (!AGGREGATES.includes(q.agg)) throw new RangeError(`unknown aggregate ${String(q.agg)}`);
  if (Number.isNaN(q.from.getTime()) || Number.isNaN(q.to.getTime())) throw new RangeError('from and to must be valid dates');
  return q.to.getTime() > q.from.getTime();
}

/** Start (00:00 UTC) of each UTC day from the day of `from` through the day of `until`. */
export function utcDays(from: Date, until: Date, max = 3660): Date[] {
  const days: Date[] = [];
  for (let t = Math.floor(from.getTime() / DAY_MS) * DAY_MS; t <= until.getTime(); t += DAY_MS) {
    if (days.length >= max) throw new RangeError(`refusing to prepare more than ${max} days`);
    days.push(new Date(t));
  }
  return days;
}

export const PARTITION_PREFIX = 'telemetry_samples_p';

/** `telemetry_samples_pYYYYMMDD` for the UTC day starting at `day`. */
export function partitionName(day: Date): string {
  return PARTITION_PREFIX + day.toISOString().slice(0, 10).replaceAll('-', '');
}

/** The UTC day a daily partition holds, from its name; null for any other table. */
export function partitionDay(name: string): Date | null {
  const m = /^telemetry_samples_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : new Date(t);
}
