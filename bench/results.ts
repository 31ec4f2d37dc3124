/**
 * Check-result scenarios.
 * - results: agents in turn send Smotra result batches of 100 ping results (fresh UUIDv7 ids, as the
 *   agent makes them: time-ordered, so the id index grows at its end rather than at random pages; recent
 *   timestamps, five endpoint ids per batch that the server keeps as agent-local endpoints) at 64
 *   connections; rows/s from the server's own counter.
 * - report: one endpoint's reachability report over one day at aggregation=5m (288 buckets) from
 *   1M results bulk-loaded for that endpoint and day, straight into the database.
 */
import { randomUUID } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { batchSummary, drainFailure, scrape, promValue, waitForDrain, type IngestGauges } from './ingest.ts';
import type { Variant } from './load.ts';
import type { RunContext, Step } from './scenarios.ts';
import { seedResults } from './seed-results.ts';

export const RESULTS_PER_BATCH = 100;
const RESULTS_CONNECTIONS = 64;
const RESULTS_P95_TARGET_MS = 50;
const REPORT_ROWS = 1_000_000;
const REPORT_P95_TARGET_MS = 100;

async function resultsPersisted(origin: string): Promise<number> {
  const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return promValue(await res.text(), 'ingest_rows_persisted_total{kind="result"}');
}

export function resultsStep(ctx: RunContext): Step {
  let before: IngestGauges | undefined;
  let startedAt = 0;
  return {
    name: 'results',
    build: async () => {
      before = await scrape(ctx.agentryUrl);
      startedAt = performance.now();
      const endpoints = Array.from({ length: 5 }, () => randomUUID());
      let k = 0;
      const next = (): Variant => {
        const i = k++;
        const agent = ctx.fleet[i % ctx.fleet.length]!;
        // Each agent's results a "minute" apart on its own clock, starting an hour ago (inside the accepted window).
        const t0 = Date.now() - 3_600_000;
        let items = '';
        for (let r = 0; r < RESULTS_PER_BATCH; r++) {
          const ts = new Date(t0 + r * 10 + Math.floor(i / ctx.fleet.length) * 1000).toISOString();
          const latency = ((i * 7919 + r * 104729) % 20_000) / 100;
          items += `${r ? ',' : ''}{"id":"${uuidv7()}","agent_id":"${agent.id}","endpoint_id":"${endpoints[r % endpoints.length]}","check_type":{"type":"ping","result":{"resolved_ip":"192.0.2.1","successes":1,"failures":0,"success_latencies":[${latency}],"error_details":null}},"timestamp":"${ts}"}`;
        }
        return { path: `/api/v1/agent/${agent.id}/results`, headers: agent.headers, body: `{"results":[${items}]}` };
      };
      const first = next();
      return {
        name: 'results',
        method: 'POST',
        origin: ctx.agentryUrl,
        path: first.path,
        headers: { 'content-type': 'application/json' },
        next,
        connections: RESULTS_CONNECTIONS,
        rowsProbe: () => resultsPersisted(ctx.agentryUrl),
      };
    },
    finish: async (stats) => {
      // The preflight request counts too. With JetStream the 202 comes at the publish ack: the writer may
      // still be storing what was acknowledged, so its own rate is read over the load and the drain.
      const base = before!;
      const acknowledged = RESULTS_PER_BATCH * (stats.total2xx + 1);
      const loadSec = (performance.now() - startedAt) / 1000;
      const drain = await ctx.phase('results-drain', () => waitForDrain(ctx.agentryUrl, base.resultsPersisted, acknowledged, 'result'));
      const writerPerSec = Math.round(drain.persisted / (loadSec + drain.seconds));
      const acceptedPerSec = Math.round(acknowledged / loadSec);
      const met = stats.latencyMs.p95 < RESULTS_P95_TARGET_MS;
      const notes = [
        `${RESULTS_PER_BATCH} ping results per batch at ${RESULTS_CONNECTIONS} connections: ${stats.rowsPerSec ?? '?'} results/s stored during the load; p95 target < ${RESULTS_P95_TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`,
        `writer: ${writerPerSec} results/s over the load and its drain (${acceptedPerSec}/s acknowledged); at the end of the load ${Math.max(0, acknowledged - drain.persistedAtLoadEnd)} results behind, last stored ${drain.seconds.toFixed(2)} s after the load stopped`,
        `${drain.persisted} results stored in all (${acknowledged} acknowledged); ${batchSummary(base, await scrape(ctx.agentryUrl), ctx.commandsBench.nats ? stats.total2xx + 1 : undefined)}`,
      ];
      const failure = drainFailure('results', 'results', drain, acknowledged, stats.rowsPerSec);
      return failure ? { notes, failure } : { notes };
    },
  };
}

export function reportStep(ctx: RunContext, auth: Record<string, string>): Step {
  return {
    name: 'report',
    build: async () => {
      if (ctx.seedRows === 0) return { skip: '--seed-rows 0: no seeded results to report on' };
      const res = await fetch(`${ctx.agentryUrl}/api/v1/endpoints`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `report-bench-${randomUUID().slice(0, 8)}`, address: 'example.com', checkType: 'ping' }),
      });
      if (res.status !== 201) throw new Error(`create endpoint: ${res.status} ${await res.text()}`);
      const endpoint = (await res.json()) as { id: string; tenantId: string };
      const agentId = ctx.fleet[0]!.id;
      const day = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000);
      console.log(`seeding ${REPORT_ROWS} check results for one endpoint on ${day.toISOString().slice(0, 10)}…`);
      const seeded = await ctx.phase('seed-results', () => seedResults(ctx.databaseUrl, { tenantId: endpoint.tenantId, agentId, endpointId: endpoint.id, day, rows: REPORT_ROWS }));
      console.log(`seeded ${REPORT_ROWS} results in ${seeded.seconds.toFixed(1)} s (${Math.round(REPORT_ROWS / seeded.seconds)} rows/s)`);
      const q = new URLSearchParams({ endpointId: endpoint.id, from: day.toISOString(), to: new Date(day.getTime() + 86_400_000).toISOString(), aggregation: '5m' });
      return { name: 'report', method: 'GET', origin: ctx.agentryUrl, path: `/api/v1/results/report?${q}`, headers: auth, connections: 1 };
    },
    finish: async (stats) => {
      const met = stats.latencyMs.p95 < REPORT_P95_TARGET_MS;
      return { notes: [`${REPORT_ROWS} results of one endpoint over one day, 288 buckets of 5 min, 1 connection; p95 target < ${REPORT_P95_TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`] };
    },
  };
}
