/** Report aggregation in code: selection-based nearest-rank percentiles agree with sorting, from raw rows and from minute rollups. */
import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../../src/domain/check-result.ts';
import { encodeLatencies } from '../../../src/repositories/shared/check-results.ts';
import { aggregateBuckets, aggregateMinutes, aggregateReport } from '../../../src/repositories/shared/report.ts';

let seed = 7;
const rnd = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

describe('report aggregation', () => {
  it('p50/p95/max/avg match a sort-based reference on random buckets with ties', () => {
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const values = Array.from({ length: n }, () => Math.floor(rnd() * 10) + (rnd() < 0.2 ? 0.5 : 0));
      const [b] = aggregateReport(
        values.map((v, i) => [i, 1, v] as const),
        1e9,
      );
      const sorted = [...values].sort((x, y) => x - y);
      expect([b!.latencyP50Ms, b!.latencyP95Ms, b!.latencyMaxMs]).toEqual([nearestRank(sorted, 0.5), nearestRank(sorted, 0.95), sorted.at(-1)]);
      expect(b!.latencyAvgMs).toBeCloseTo(values.reduce((x, y) => x + y, 0) / n, 9);
    }
  });

  it('buckets raw rows by epoch-aligned step; unreachable rows count as checks only', () => {
    const rows = [
      [0, 1, 5],
      [59_999, 0, null],
      [60_000, 1, 7],
      [60_001, 1, null],
      [180_000, 0, null],
    ] as const;
    expect(aggregateReport(rows, 60_000)).toEqual([
      { ts: new Date(0), checks: 2, successes: 1, latencyAvgMs: 5, latencyP50Ms: 5, latencyP95Ms: 5, latencyMaxMs: 5 },
      { ts: new Date(60_000), checks: 2, successes: 2, latencyAvgMs: 7, latencyP50Ms: 7, latencyP95Ms: 7, latencyMaxMs: 7 },
      { ts: new Date(180_000), checks: 1, successes: 0, latencyAvgMs: null, latencyP50Ms: null, latencyP95Ms: null, latencyMaxMs: null },
    ]);
  });

  it('minute rollups give the figures of the rows they roll up', () => {
    const raw: [number, number, number | null][] = [];
    for (let i = 0; i < 3000; i++) raw.push([i * 1000, i % 7 === 0 ? 0 : 1, i % 7 === 0 ? null : Math.floor(rnd() * 500) / 4]);
    const minutes = new Map<number, { checks: number; successes: number; latencies: number[] }>();
    for (const [ts, ok, lat] of raw) {
      const m = Math.floor(ts / 60_000) * 60_000;
      const e = minutes.get(m) ?? { checks: 0, successes: 0, latencies: [] };
      minutes.set(m, e);
      e.checks++;
      if (ok) e.successes++;
      if (lat !== null) e.latencies.push(lat);
    }
    // An odd byte offset, as a driver's pooled buffers may have: the aggregation copies rather than misreads.
    const unaligned = (b: Buffer) => {
      const padded = new Uint8Array(b.length + 1);
      padded.set(b, 1);
      return padded.subarray(1);
    };
    const rolled = [...minutes].map(([m, e]) => [m, e.checks, e.successes, unaligned(encodeLatencies(e.latencies))] as const);
    for (const step of [60_000, 300_000, 3_600_000]) {
      const fromRaw = aggregateReport(raw, step);
      const fromMinutes = aggregateMinutes(rolled, step);
      expect(fromMinutes.map(({ latencyAvgMs, ...rest }) => rest)).toEqual(fromRaw.map(({ latencyAvgMs, ...rest }) => rest));
      for (const [i, b] of fromMinutes.entries()) expect(b.latencyAvgMs).toBeCloseTo(fromRaw[i]!.latencyAvgMs!, 9);
      // Concatenated per bucket beforehand (as Postgres does), in minute order, listed newest first: the same figures, oldest first.
      const perBucket = new Map<number, { checks: number; successes: number; parts: Uint8Array[] }>();
      for (const [m, checks, successes, bytes] of rolled) {
        const key = Math.floor(m / step);
        const e = perBucket.get(key) ?? { checks: 0, successes: 0, parts: [] };
        perBucket.set(key, e);
        e.checks += checks;
        e.successes += successes;
        e.parts.push(bytes);
      }
      const grouped = [...perBucket].reverse().map(([key, e]) => [key, e.checks, e.successes, unaligned(Buffer.concat(e.parts))] as const);
      expect(aggregateBuckets(grouped, step)).toEqual(fromMinutes);
    }
  });
});
