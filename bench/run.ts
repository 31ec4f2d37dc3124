/**
 * Loopback benchmark: agentry against a bare Hono route measured in the same run, so that the result
 * reads as "how much of the framework ceiling does agentry keep" on whatever machine runs it.
 *
 *   node bench/run.ts [--duration 10] [--connections 64] [--warmup 2] [--agents 10000]
 *                     [--db sqlite | --db postgres [--database-url postgres://…]] [--nats]
 *                     [--seed-rows 10000000] [--range-connections 1,4] [--only a,b] [--env KEY=VALUE …] [--cpu-prof] [--keep]
 *                     [--server-node-args=--max-semi-space-size=8]
 *                     [--fleet-rate 4] [--fleet-agents N]
 *
 * Starts both servers as child processes (and, when asked, a throwaway Postgres cluster and nats-server),
 * enrolls a fleet through the API, drives the scenarios with autocannon from this process, prints a
 * table and writes bench/results.{json,md}. Exits non-zero when a scenario has over 1% failed requests
 * or the server did not store every sample it accepted.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet } from './fleet.ts';
import { infraCpuSeconds, startNats, startPostgres } from './infra.ts';
import { preflight, round, runScenario } from './load.ts';
import {
  cpuSeconds,
  freePort,
  machineTicks,
  onCleanup,
  rssMiB,
  runNode,
  SERVER_ENV,
  SERVER_NODE_ARGS,
  serverEntry,
  startNode,
  stopAll,
  waitForHttp,
  type Child,
  inheritedEnv,
  UNLIMITED_RATE_LIMITS,
} from './processes.ts';
import { factLines, markdownTable, rebaseOnCeiling, scenarioLine, writeResults, type Params, type RunFacts, type ScenarioResult } from './report.ts';
import { BARE_BODY, steps, type RunContext } from './scenarios.ts';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '2' },
    agents: { type: 'string', default: '10000' },
    db: { type: 'string', default: 'sqlite' },
    // Without it, --db postgres starts a throwaway cluster in a temp dir.
    'database-url': { type: 'string' },
    // Ingestion through a throwaway JetStream nats-server.
    nats: { type: 'boolean', default: false },
    // Telemetry rows bulk-loaded before telemetry-range; 0 skips both.
    'seed-rows': { type: 'string', default: '10000000' },
    // Concurrent range queries, comma-separated: one telemetry-range scenario per value.
    'range-connections': { type: 'string', default: '1,4' },
    env: { type: 'string', multiple: true, default: [] },
    // Node/V8 flags of the server under test, replacing the production ones (SERVER_NODE_ARGS); "" for none.
    // Its production environment (SERVER_ENV, e.g. MALLOC_ARENA_MAX) is changed with --env.
    'server-node-args': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Comma-separated scenario names to run (the bare-post ceiling always runs first).
    only: { type: 'string' },
    // The fleet scenario's interval compression (real intervals divided by this) and agents (default: --agents).
    'fleet-rate': { type: 'string', default: '4' },
    'fleet-agents': { type: 'string' },
  },
});

function integer(name: string, raw: string, min: number): number {
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
  return n;
}

const facts: RunFacts = { phases: {}, seeding: null, notes: [] };
const runStarted = performance.now();
// The temp dir (SQLite file, server logs, CPU profile) is removed at the end unless asked or something failed.
const kept = { dir: '', keep: args['cpu-prof'] || args.keep };

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  facts.phases[name] = round((performance.now() - started) / 1000, 2);
  return result;
}

async function main(): Promise<number> {
  const load = { durationSec: integer('duration', args.duration, 1), connections: integer('connections', args.connections, 1), warmupSec: integer('warmup', args.warmup, 0) };
  const agentCount = integer('agents', args.agents, 1);
  const serverNodeArgs = args['server-node-args'] === undefined ? SERVER_NODE_ARGS : args['server-node-args'].split(' ').filter(Boolean);
  const seedRows = integer('seed-rows', args['seed-rows'], 0);
  const rangeConnections = args['range-connections'].split(',').map((c) => integer('range-connections', c.trim(), 1));
  if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error(`--db must be sqlite or postgres, got ${args.db}`);
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-'));
  kept.dir = tmp;
  onCleanup(() => (kept.keep ? undefined : rmSync(tmp, { recursive: true, force: true })));

  // The Postgres database must be empty: bootstrap only installs our admin token on first start.
  const databaseUrl = args.db === 'sqlite' ? `sqlite:${join(tmp, 'bench.db')}` : (args['database-url'] ?? (await phase('postgres', startPostgres)));
  const natsUrl = args.nats ? await phase('nats', startNats) : undefined;

  // The developer's shell configuration (AGENTRY_*, DATABASE_URL, PORT…) must not leak into the server
  // under test; only what is set here and what --env adds applies.
  const baseEnv = inheritedEnv();
  const extraEnv = Object.fromEntries(
    args.env.map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--env expects KEY=VALUE, got ${kv}`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );

  const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
  if (!/^opk_\w+$/.test(adminToken)) throw new Error(`token generate printed something unexpected: ${adminToken.slice(0, 80)}`);
  const [agentryPort, barePort, referencePort] = [await freePort(), await freePort(), await freePort()];

  const agentryUrl = `http://127.0.0.1:${agentryPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const referenceUrl = `http://127.0.0.1:${referencePort}`;
  // Scenarios are built when their turn comes; the list exists now so that --only fails before anything slow.
  let agentryPid = 0;
  const fleetSim = { agents: integer('fleet-agents', args['fleet-agents'] ?? args.agents, 1), rate: Number(args['fleet-rate']), durationSec: load.durationSec };
  if (!(fleetSim.rate > 0)) throw new Error(`--fleet-rate must be a positive number, got ${args['fleet-rate']}`);
  const ctx: RunContext = {
    agentryUrl,
    bareUrl,
    referenceUrl,
    adminToken,
    databaseUrl,
    fleet: [],
    seedRows,
    rangeConnections,
    facts,
    phase,
    agentryPid: () => agentryPid,
    tmpDir: tmp,
    fleetSim,
    commandsBench: { db: args.db, nats: Boolean(natsUrl), agents: agentCount },
  };
  let plan = steps(ctx);
  if (args.only) {
    // `telemetry-range` selects every telemetry-range@N.
    const matches = (name: string, step: string) => step === name || step.split('@')[0] === name;
    const wanted = ['bare-post', ...args.only.split(',')];
    for (const name of wanted) if (!plan.some((x) => matches(name, x.name))) throw new Error(`--only: no scenario ${name} (have ${plan.map((x) => x.name).join(', ')})`);
    plan = plan.filter((x) => wanted.some((name) => matches(name, x.name)));
  }
  // A --cpu-prof profile starts with the process: scenario windows are printed relative to this.
  const agentrySpawned = performance.now();
  const sinceSpawn = () => ((performance.now() - agentrySpawned) / 1000).toFixed(1);
  let bare: Child | undefined;
  let reference: Child | undefined;
  const agentry: Child = await phase('start', async () => {
    const child = startNode('agentry', [await serverEntry(), 'serve'], {
      cwd: root,
      logFile: join(tmp, 'agentry.log'),
      // The profile is written when the server exits on SIGTERM at the end of the run.
      nodeArgs: [...serverNodeArgs, ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${tmp}`] : [])],
      env: {
        ...baseEnv,
        ...SERVER_ENV,
        AGENTRY_DATABASE_URL: databaseUrl,
        ...(natsUrl ? { AGENTRY_NATS_URL: natsUrl } : {}),
        PORT: String(agentryPort),
        AGENTRY_SERVER_HOST: '127.0.0.1',
        AGENTRY_ADMIN_TOKEN: adminToken,
        // Rate limiting stays on, every limit far above the load; `--env AGENTRY_RATE_LIMITS_ENABLED=false` measures without it.
        ...UNLIMITED_RATE_LIMITS,
        ...extraEnv,
      },
    });
    bare = startNode('bare', ['bench/bare-server.ts'], { cwd: root, logFile: join(tmp, 'bare.log'), env: { ...baseEnv, PORT: String(barePort) } });
    // The durable-ingest reference commits with the same SQLite durability as agentry.
    const synchronous = extraEnv.AGENTRY_DATABASE_SQLITE_SYNCHRONOUS ?? 'full';
    reference = startNode('reference', ['bench/reference-server.ts'], {
      cwd: root,
      logFile: join(tmp, 'reference.log'),
      env: { ...baseEnv, PORT: String(referencePort), DB_PATH: join(tmp, 'reference.db'), SYNCHRONOUS: synchronous },
    });
    await Promise.all([waitForHttp(child, `${agentryUrl}/healthz`, 60_000), waitForHttp(bare, `${bareUrl}/healthz`), waitForHttp(reference, `${referenceUrl}/healthz`)]);
    return child;
  });
  agentryPid = agentry.pid;
  const variant = `${args.db}${natsUrl ? ' + NATS JetStream' : ''}`;
  console.log(`agentry pid ${agentry.pid} (${variant}); ${load.connections} connections, ${load.warmupSec} s warm-up + ${load.durationSec} s per scenario; logs in ${tmp}`);

  const fleet = await phase('enrol', () => enrollFleet(agentryUrl, { authorization: `Bearer ${adminToken}` }, agentCount));
  ctx.fleet = fleet;
  console.log(`enrolled ${fleet.length} agents (and sent each one's first heartbeat) in ${facts.phases.enrol!.toFixed(1)} s (${Math.round(fleet.length / facts.phases.enrol!)}/s, 32 in flight)`);

  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  let ingestBodyBytes = 0;
  for (const step of plan) {
    if ('run' in step) {
      const out = await phase(step.name, () => step.run());
      facts.notes.push(...out.notes);
      if (out.failure) failures.push(out.failure);
      continue;
    }
    const s = await step.build();
    if ('skip' in s) {
      facts.notes.push(`${step.name}: skipped (${s.skip})`);
      console.log(`${step.name.padEnd(18)} skipped: ${s.skip}`);
      continue;
    }
    if ('bodyBytes' in s && typeof s.bodyBytes === 'number') ingestBodyBytes = s.bodyBytes;
    // The CPU of the server under load: the bare one for the ceiling, the reference for its ingest, agentry for the rest.
    const server = s.origin === bareUrl ? bare! : s.origin === referenceUrl ? reference! : agentry;
    const [cpuBefore, clientBefore, loadStarted, profileFrom, ticksBefore, infraBefore] = [cpuSeconds(server.pid), process.cpuUsage(), performance.now(), sinceSpawn(), machineTicks(), infraCpuSeconds()];
    const stats = await phase(step.name, async () => {
      await preflight(s);
      return runScenario(s, load);
    });
    const [cpuAfter, client, wallSec, infraAfter] = [cpuSeconds(server.pid), process.cpuUsage(clientBefore), (performance.now() - loadStarted) / 1000, infraCpuSeconds()];
    const cpuPct = cpuBefore === null || cpuAfter === null ? null : round(((cpuAfter - cpuBefore) / wallSec) * 100, 0);
    const clientCpuPct = round(((client.user + client.system) / 1e6 / wallSec) * 100, 0);
    const ticksAfter = machineTicks();
    const machineBusyPct = ticksBefore && ticksAfter ? round(((ticksAfter.busy - ticksBefore.busy) / Math.max(1, ticksAfter.total - ticksBefore.total)) * 100, 0) : null;
    const after = (await step.finish?.(stats)) ?? { notes: [] };
    if (after.failure) failures.push(after.failure);
    const ceiling = results[0]?.rps ?? stats.rps; // bare-post runs first
    // CPU per request: the server's CPU over warm-up and measurement, at the measured rate. Unlike req/s it
    // hardly depends on how much CPU the load generator (sharing the machine) leaves the server.
    const cpuUsPerRequest = cpuPct === null || stats.rps <= 0 ? null : round(((cpuPct / 100) * 1e6) / stats.rps, 1);
    const bareCpuUs = results[0]?.serverCpuUsPerRequest ?? cpuUsPerRequest;
    // Postgres's and nats-server's CPU per request over the same window (agentry's scenarios only: they
    // share the cores, so the whole machine's cost of a request is the sum).
    const infraUs = (before: number | null, after: number | null) =>
      server !== agentry || before === null || after === null || stats.rps <= 0 ? null : round(((after - before) / wallSec / stats.rps) * 1e6, 1);
    const postgresCpuUsPerRequest = infraUs(infraBefore.postgres, infraAfter.postgres);
    const natsCpuUsPerRequest = infraUs(infraBefore.nats, infraAfter.nats);
    const result: ScenarioResult = {
      name: s.name,
      request: `${s.method} ${s.path}`,
      ...stats,
      ofBarePct: ceiling > 0 ? round((stats.rps / ceiling) * 100, 1) : null,
      serverRssMiB: rssMiB(agentry.pid),
      serverCpuPct: cpuPct,
      serverCpuUsPerRequest: cpuUsPerRequest,
      postgresCpuUsPerRequest,
      natsCpuUsPerRequest,
      cpuOfBarePct: cpuUsPerRequest && bareCpuUs ? round((bareCpuUs / cpuUsPerRequest) * 100, 1) : null,
      clientCpuPct,
      machineBusyPct,
      notes: stats.errors > 0 ? [...after.notes, `${s.name}: ${stats.errors} requests got no answer: ${JSON.stringify(stats.errorKinds)}`] : after.notes,
    };
    results.push(result);
    console.log(scenarioLine(result));
    if (args['cpu-prof']) console.log(`${' '.repeat(19)}profile window: --from ${profileFrom} --to ${sinceSpawn()}`);
    // A failed request is one without a 2xx answer, whether it got a status or not.
    const attempted = stats.responses + stats.errors;
    const failed = stats.non2xx + stats.errors;
    if (attempted === 0 || failed / attempted > 0.01) {
      failures.push(`${s.name}: ${failed} of ${attempted} requests failed (status codes ${JSON.stringify(stats.statusCodes)}, ${stats.errors} errors, ${stats.timeouts} timeouts)`);
    }
  }
  facts.phases.total = round((performance.now() - runStarted) / 1000, 2);
  rebaseOnCeiling(results, facts);

  const params: Params = { ...load, db: args.db, nats: Boolean(natsUrl), bodyBytes: BARE_BODY.length, ingestBodyBytes, agents: fleet.length, seedRows };
  console.log(`\n${markdownTable(results)}\n\n${factLines(facts, results).join('\n')}\n`);
  writeResults(import.meta.dirname, params, results, facts, failures);
  console.log(`wrote bench/results.json and bench/results.md`);
  if (failures.length > 0) kept.keep = true;
  await stopAll();
  if (failures.length > 0) {
    console.error(`\nFAILED:\n  ${failures.join('\n  ')}\n  server logs kept in ${tmp}`);
    return 1;
  }
  if (kept.keep) console.log(`kept ${tmp}${args['cpu-prof'] ? ' (agentry .cpuprofile inside)' : ''}`);
  return 0;
}

// Ctrl-C or a kill must not leave servers (or a Postgres cluster, or nats-server) behind.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true; // what fails in main from now on is the servers going away: not worth a report
    console.error(`\n${signal}: stopping servers`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (err: unknown) => {
    if (interrupted) return; // the signal handler stops everything and exits
    kept.keep = kept.dir !== '' && existsSync(join(kept.dir, 'agentry.log')); // nothing to keep before the servers start
    await stopAll();
    if (kept.keep) console.error(`server logs kept in ${kept.dir}`);
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
