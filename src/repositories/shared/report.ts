/**
 * Report aggregation in code: counts and exact nearest-rank percentiles per epoch-aligned bucket, from raw
 * result rows (any range), from per-minute rollups (minute-aligned ranges: ~60× fewer rows to read), or from
 * rollups the database already concatenated per bucket.
 */
import type { ReportBucket } from '../../domain/check-result.ts';
import { twoRanks } from './rank-select.ts';

interface Acc {
  checks: number;
  successes: number;
  latencies: Float64Array[];
  n: number;
}

/** Raw rows: (ts in epoch ms, reachable, latency). Latency figures cover reachable rows with a latency. */
export function aggregateReport(rows: Iterable<readonly [ts: number, reachable: number | boolean, latency: number | null]>, stepMs: number): ReportBucket[] {
  const buckets = new Map<number, { checks: number; successes: number; latencies: number[] }>();
  for (const [ts, reachable, latency] of rows) {
    const key = Math.floor(ts / stepMs);
    let b = buckets.get(key);
    if (!b) {
      b = { checks: 0, successes: 0, latencies: [] };
      buckets.set(key, b);
    }
    b.checks++;
    if (!reachable) continue;
    b.successes++;
    if (latency !== null) b.latencies.push(latency);
  }
  const accs = new Map<number, Acc>();
  for (const [key, b] of buckets) accs.set(key, { checks: b.checks, successes: b.successes, latencies: [Float64Array.from(b.latencies)], n: b.latencies.length });
  return finish(accs, stepMs);
}

/** Minute rollups: (minute start in epoch ms, checks, successes, latencies as little-endian float64s). */
export function aggregateMinutes(rows: Iterable<readonly [minute: number, checks: number, successes: number, latencies: Uint8Array]>, stepMs: number): ReportBucket[] {
  const accs = new Map<number, Acc>();
  for (const [minute, checks, successes, latencies] of rows) {
    const key = Math.floor(minute / stepMs);
    let a = accs.get(key);
    if (!a) {
      a = { checks: 0, successes: 0, latencies: [], n: 0 };
      accs.set(key, a);
    }
    a.checks += checks;
    a.successes += successes;
    const values = toFloat64(latencies);
    a.latencies.push(values);
    a.n += values.length;
  }
  return finish(accs, stepMs);
}

/** The bytes as float64s (little-endian, as every platform Node supports stores them); copied only when not 8-byte aligned. */
function toFloat64(bytes: Uint8Array): Float64Array {
  const n = bytes.byteLength >> 3;
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, n);
  // new Uint8Array(…) copies (a Buffer's slice() would be another view of the same unaligned memory).
  return new Float64Array(new Uint8Array(bytes).buffer, 0, n);
}

/**
 * Rows already grouped per bucket (the database concatenated the bucket's minute rollups): bucket number
 * (⌊start / stepMs⌋), checks, successes, and all the bucket's latencies as little-endian float64s. Nothing
 * is copied (unless misaligned): the selection reorders the latency bytes in place.
 */
export function aggregateBuckets(rows: Iterable<readonly [bucket: number, checks: number, successes: number, latencies: Uint8Array]>, stepMs: number): ReportBucket[] {
  const out: ReportBucket[] = [];
  for (const [key, checks, successes, latencies] of rows) out.push(figures(key, checks, successes, toFloat64(latencies), stepMs));
  return out.sort((a, b) => a.ts.getTime() - b.ts.getTime());
}

function finish(accs: Map<number, Acc>, stepMs: number): ReportBucket[] {
  return [...accs.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, a]) => {
      const values = new Float64Array(a.n);
      let at = 0;
      for (const part of a.latencies) {
        values.set(part, at);
        at += part.length;
      }
      return figures(key, a.checks, a.successes, values, stepMs);
    });
}

/** One bucket's figures; may reorder `values`. */
function figures(key: number, checks: number, successes: number, values: Float64Array, stepMs: number): ReportBucket {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Nearest rank: the ⌈p·n⌉-th smallest, selected (not sorted).
  const [p50, p95] = n > 0 ? twoRanks(values, Math.max(0, Math.ceil(0.5 * n) - 1), Math.max(0, Math.ceil(0.95 * n) - 1), min, max) : [null, null];
  return {
    ts: new Date(key * stepMs),
    checks,
    successes,
    latencyAvgMs: n > 0 ? sum / n : null,
    latencyP50Ms: p50,
    latencyP95Ms: p95,
    latencyMaxMs: n > 0 ? max : null,
  };
}
