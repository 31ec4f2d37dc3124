/** Report aggregation shared by the dialects that compute it in code: counts and exact nearest-rank percentiles per bucket. */
import { nearestRank, type ReportBucket } from '../../domain/check-result.ts';

/**
 * Folds rows (ts in epoch ms, reachable, latency) into epoch-aligned buckets of `stepMs`. Latency
 * figures cover reachable rows with a latency; each bucket's latencies are sorted once for p50/p95.
 */
export function aggregateReport(rows: Iterable<readonly [ts: number, reachable: number | boolean, latency: number | null]>, stepMs: number): ReportBucket[] {
  const buckets = new Map<number, { checks: number; successes: number; latencies: number[] }>();
  for (const [ts, reachable, latency] of rows) {
    const key = Math.floor(ts / stepMs);
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { checks: 0, successes: 0, latencies: [] }));
    b.checks++;
    if (!reachable) continue;
    b.successes++;
    if (latency !== null) b.latencies.push(latency);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, b]) => {
      const sorted = Float64Array.from(b.latencies).sort();
      const n = sorted.length;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += sorted[i]!;
      const values = Array.from(sorted);
      return {
        ts: new Date(key * stepMs),
        checks: b.checks,
        successes: b.successes,
        latencyAvgMs: n > 0 ? sum / n : null,
        latencyP50Ms: nearestRank(values, 0.5),
        latencyP95Ms: nearestRank(values, 0.95),
        latencyMaxMs: n > 0 ? sorted[n - 1]! : null,
      };
    });
}
