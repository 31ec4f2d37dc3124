/**
 * telemetry-range: operators reading one agent + metric over one day (8640 rows → 1440 buckets of 60 s)
 * from a table bulk-loaded to --seed-rows. The table is seeded once, by the first of these scenarios; one
 * scenario runs per --range-connections value (`telemetry-range@1` is the latency of a query on its own,
 * more connections show how queries queue behind each other).
 */
import { rotate } from './load.ts';
import type { RunContext, Step } from './scenarios.ts';
import { planSeed, seedTelemetry, type SeedPlan } from './seed-telemetry.ts';

/** The latency a telemetry range query should stay under (p95). */
const RANGE_P95_TARGET_MS = 50;

export function rangeSteps(ctx: RunContext, auth: Record<string, string>): Step[] {
  let seeded: Promise<SeedPlan> | undefined;
  const seed = async (): Promise<SeedPlan> => {
    const plan = planSeed(
      ctx.seedRows,
      ctx.fleet.map((a) => a.id),
    );
    const day = plan.day.toISOString().slice(0, 10);
    console.log(`seeding ${plan.rows} telemetry rows (${plan.series.length} series: agent + metric, 10 s interval on ${day})…`);
    const r = await ctx.phase('seed', () => seedTelemetry(ctx.databaseUrl, plan));
    const rowsPerSec = Math.round(r.rows / r.seconds);
    ctx.facts.seeding = { rows: r.rows, seconds: r.seconds, rowsPerSec, analyzeSeconds: r.afterSeconds, series: plan.series.length, day };
    console.log(`seeded ${r.rows} rows in ${r.seconds.toFixed(1)} s (${rowsPerSec} rows/s), then ${r.afterSeconds.toFixed(1)} s of statistics/checkpoint`);
    return plan;
  };
  return ctx.rangeConnections.map((connections): Step => {
    const name = `telemetry-range@${connections}`;
    return {
      name,
      build: async () => {
        if (ctx.seedRows === 0) return { skip: '--seed-rows 0: no seeded table to query' };
        seeded ??= seed();
        const plan = await seeded;
        const from = plan.day.toISOString();
        const to = new Date(plan.day.getTime() + 86_400_000).toISOString();
        // Full-day series only (the last one may be shorter), in a scattered order so that consecutive
        // requests do not walk the index in key order.
        const full = plan.series.filter((s) => s.points === plan.series[0]!.points);
        const variants = full
          .map((s, i) => ({ s, k: (i * 2654435761) % 4294967296 }))
          .sort((a, b) => a.k - b.k)
          .map(({ s }) => ({ path: `/api/v1/agents/${s.agentId}/telemetry?metric=${s.metric}&from=${from}&to=${to}&step=60&agg=avg` }));
        return { name, method: 'GET', origin: ctx.agentryUrl, path: variants[0]!.path, headers: auth, next: rotate(variants), connections };
      },
      finish: async (stats) => {
        const met = stats.latencyMs.p95 < RANGE_P95_TARGET_MS;
        const series = ctx.facts.seeding?.series ?? 0;
        return { notes: [`${connections} connection(s) over ${series} series; p95 target < ${RANGE_P95_TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`] };
      },
    };
  });
}
