/**
 * The scenarios of a run, in order. bare-post, the ceiling the others are compared with, runs first and
 * again last (bare-post@end): the ratios are taken against the mean of both, so that a machine that
 * speeds up or slows down during the run moves the ceiling too.
 * A step builds its scenario when its turn comes (the first telemetry-range seeds the table) and may check
 * what the server stored once the load has stopped.
 */
import { HEARTBEAT, pool, type FleetAgent } from './fleet.ts';
import { SAMPLES_PER_REQUEST, batchSummary, drainFailure, ingestScenario, scrape, waitForDrain, type IngestGauges } from './ingest.ts';
import { metricsBody, rotate, type Scenario, type ScenarioStats } from './load.ts';
import type { RunFacts } from './report.ts';
import { reportStep, resultsStep } from './results.ts';
import { fleetStep } from './sim-fleet.ts';
import { commandsStep } from './commands-step.ts';
import { rangeSteps } from './telemetry-range.ts';

/** A load step (autocannon drives the scenario it builds) or a step that runs its own load (the fleet simulator). */
export type Step = LoadStep | RunStep;

export interface RunStep {
  name: string;
  run(): Promise<{ notes: string[]; failure?: string }>;
}

export interface LoadStep {
  name: string;
  build(): Promise<Scenario | { skip: string }>;
  /** After the load: notes for the report and, when something is wrong, a failure. */
  finish?(stats: ScenarioStats): Promise<{ notes: string[]; failure?: string }>;
}

export interface RunContext {
  agentryUrl: string;
  bareUrl: string;
  /** The durable-ingest reference server (bench/reference-server.ts). */
  referenceUrl: string;
  adminToken: string;
  databaseUrl: string;
  /** Filled in once enrolled (after the scenario list is built and --only checked): read it at build time. */
  fleet: FleetAgent[];
  seedRows: number;
  /** Concurrent range queries (connections): one telemetry-range scenario per value. */
  rangeConnections: number[];
  facts: RunFacts;
  /** The agentry server's pid (once started). */
  agentryPid: () => number;
  /** Where the run keeps its files (logs, the fleet simulator's summary). */
  tmpDir: string;
  /** The fleet scenario: simulated agents, interval compression, seconds of steady state. */
  fleetSim: { agents: number; rate: number; durationSec: number };
  /** The commands scenario (bench/commands.ts with its own server): this run's dialect, NATS and agents. */
  commandsBench: { db: string; nats: boolean; agents: number };
  /** Runs fn as a named phase of the run (timed, printed, kept in the results). */
  phase<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const BARE_BODY = metricsBody(784);

export function steps(ctx: RunContext): Step[] {
  const { agentryUrl, bareUrl, adminToken } = ctx;
  const auth = { authorization: `Bearer ${adminToken}` };
  const json = { 'content-type': 'application/json' };
  const fixed = (s: Scenario): LoadStep => ({ name: s.name, build: async () => s });
  // Ingest throughput on the (nearly) empty table, to compare with the same load once 10M rows are in,
  // and the reference server's on the same load.
  const emptyTable: IngestBaselines = {};
  return [
    fixed({ name: 'bare-post', method: 'POST', origin: bareUrl, path: '/bare', headers: json, body: BARE_BODY }),
    fixed({ name: 'api-info', method: 'GET', origin: agentryUrl, path: '/api/v1', headers: auth }),
    // The validated POST: auth, JSON body, contract validation, a service call answered from the token cache.
    fixed({ name: 'introspect-token', method: 'POST', origin: agentryUrl, path: '/api/v1/tokens/introspect', headers: { ...auth, ...json }, body: JSON.stringify({ token: adminToken }) }),
    // Heartbeats from every (online) agent of the fleet in turn: key lookup per request; last-seen written
    // when older than agents.heartbeatWriteIntervalSec (30 s), else coalesced. With 10k agents each one
    // comes round every few seconds, but its first heartbeat of the scenario is usually a write.
    {
      name: 'heartbeat',
      build: async () => ({
        name: 'heartbeat',
        method: 'POST',
        origin: agentryUrl,
        path: `/api/v1/agent/${ctx.fleet[0]!.id}/heartbeat`,
        headers: json,
        body: HEARTBEAT,
        next: rotate(ctx.fleet.map((a) => ({ path: `/api/v1/agent/${a.id}/heartbeat`, headers: a.headers }))),
      }),
    },
    // The same ingest load against the durable-ingest reference (selected with `--only ingest`).
    referenceStep(ctx, emptyTable),
    // 10 fresh samples per request from every agent in turn; 202 once durable (group commit or JetStream ack).
    ingestStep('ingest', ctx, emptyTable),
    // A write: validation plus a transaction (token row + audit row) per request.
    fixed({ name: 'create-token', method: 'POST', origin: agentryUrl, path: '/api/v1/tokens', headers: { ...auth, ...json }, body: JSON.stringify({ name: 'bench', role: 'viewer' }) }),
    // The agents' conditional configuration read: each agent sends the ETag it got, the server answers 304
    // from its in-memory document and key caches, without a database query.
    {
      name: 'configuration-get',
      build: async () => ({
        name: 'configuration-get',
        method: 'GET',
        origin: agentryUrl,
        path: `/api/v1/agent/${ctx.fleet[0]!.id}/configuration`,
        headers: {},
        expectedStatus: 304,
        cycle: await configurationVariants(agentryUrl, ctx.fleet),
      }),
    },
    // Smotra result batches: 100 ping results per request at 64 connections, 202 once durable.
    resultsStep(ctx),
    ...rangeSteps(ctx, auth),
    // One endpoint's reachability report over a day of 1M results at aggregation=5m.
    reportStep(ctx, auth),
    // The same ingest load again with the table seeded: throughput should stay flat as the table grows.
    ...(ctx.seedRows > 0 ? [ingestStep(`ingest@${shortCount(ctx.seedRows)}`, ctx, emptyTable)] : []),
    // A simulated fleet on compressed real intervals: the mix of requests agents send, with server CPU and RSS.
    fleetStep(ctx),
    // Every agent parked in a long poll (RSS), one command's wake latency, and a fan-out to all of them.
    commandsStep(ctx),
    fixed({ name: 'bare-post@end', method: 'POST', origin: bareUrl, path: '/bare', headers: json, body: BARE_BODY }),
  ];
}

interface IngestBaselines {
  /** agentry's ingest on the (nearly) empty table. */
  rps?: number;
  /** The reference server's ingest. */
  referenceRps?: number;
}

/** The ingest load on the reference server; only its req/s is kept, to compare agentry's ingest with. */
function referenceStep(ctx: RunContext, baselines: IngestBaselines): Step {
  return {
    name: 'ingest@reference',
    build: async () => ({ ...ingestScenario(ctx.referenceUrl, ctx.fleet), name: 'ingest@reference', rowsProbe: undefined }),
    finish: async (stats) => {
      baselines.referenceRps = stats.rps;
      return { notes: ['bench/reference-server.ts: Hono + better-sqlite3, time-series layout, SHA-256 of the key, typeof per sample, group commit, 202 after the commit'] };
    },
  };
}

/** Ingest over the whole fleet; `emptyTable.rps` is recorded by the first run and compared by later ones. */
function ingestStep(name: string, ctx: RunContext, emptyTable: IngestBaselines): Step {
  let baseline: IngestGauges | undefined;
  let startedAt = 0;
  return {
    name,
    build: async () => {
      baseline = await scrape(ctx.agentryUrl);
      startedAt = performance.now();
      return { ...ingestScenario(ctx.agentryUrl, ctx.fleet), name };
    },
    finish: async (stats) => {
      // The preflight request counts too.
      const expected = SAMPLES_PER_REQUEST * (stats.total2xx + 1);
      const base = baseline!;
      const loadSec = (performance.now() - startedAt) / 1000;
      const drain = await ctx.phase(`${name}-drain`, () => waitForDrain(ctx.agentryUrl, base.samplesPersisted, expected));
      // The writer's rate over warm-up, load and drain; its lag is how long it took to catch up once the load stopped.
      const writerRowsPerSec = Math.round(drain.persisted / (loadSec + drain.seconds));
      const notes = [
        `${drain.persisted} samples stored (${expected} acknowledged to the load generator); last stored ${drain.seconds.toFixed(2)} s after the load stopped`,
        `writer: ${writerRowsPerSec} rows/s over the load and its drain; lag at the end of the load ${drain.seconds.toFixed(2)} s, ${Math.max(0, expected - drain.persistedAtLoadEnd)} samples behind (target < 1 s)`,
        batchSummary(base, await scrape(ctx.agentryUrl), ctx.commandsBench.nats ? stats.total2xx + 1 : undefined),
      ];
      if (emptyTable.referenceRps) notes.push(`${Math.round((stats.rps / emptyTable.referenceRps) * 1000) / 10} % of the durable-ingest reference (${Math.round(emptyTable.referenceRps)} req/s)`);
      if (emptyTable.rps === undefined) emptyTable.rps = stats.rps;
      else notes.push(`throughput with the seeded table: ${Math.round((stats.rps / emptyTable.rps) * 1000) / 10} % of ingest on the empty table (target: within ±15 %)`);
      const failure = drainFailure(name, 'samples', drain, expected, stats.rowsPerSec);
      return failure ? { notes, failure } : { notes };
    },
  };
}

/** Each agent's first read (a 200, which also fills the server's caches) gives the ETag its later reads send. */
async function configurationVariants(origin: string, fleet: FleetAgent[]) {
  const variants = new Array<{ path: string; headers: Record<string, string> }>(fleet.length);
  await pool(fleet.length, 32, async (i) => {
    const a = fleet[i]!;
    const path = `/api/v1/agent/${a.id}/configuration`;
    const res = await fetch(origin + path, { headers: a.headers });
    await res.arrayBuffer();
    const etag = res.headers.get('etag');
    if (res.status !== 200 || !etag) throw new Error(`configuration of ${a.id}: ${res.status}`);
    variants[i] = { path, headers: { ...a.headers, 'if-none-match': etag } };
  });
  return variants;
}

const shortCount = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
