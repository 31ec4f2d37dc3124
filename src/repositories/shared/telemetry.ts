/** Dialect-independent pieces of the telemetry reads and storage maintenance. */
import type { TelemetryAggregate, TelemetryPoint, TelemetryRangeQuery } from '../../domain/telemetry.ts';

export const DAY_MS = 86_400_000;

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

export const PARTITION_PREFIX = 'telemetry_points_p';

/** `telemetry_points_pYYYYMMDD` for the UTC day starting at `day`. */
export function partitionName(day: Date): string {
  return PARTITION_PREFIX + day.toISOString().slice(0, 10).replaceAll('-', '');
}

/** The UTC day a daily partition holds, from its name; null for any other table. */
export function partitionDay(name: string): Date | null {
  const m = /^telemetry_points_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : new Date(t);
}

/** A bucket row (its start as epoch ms) as a point. */
export const toPoint = (r: { bucket: number; value: number; count: number }): TelemetryPoint => ({ ts: new Date(r.bucket), value: r.value, count: r.count });
