/**
 * Loopback benchmark: agentry against a bare Hono route measured in the same run, so that the result
 * reads as "how much of the framework ceiling does agentry keep" on whatever machine runs it.
 *
 *   node bench/run.ts [--duration 10] [--connections 64] [--warmup 2]
 *                     [--db sqlite | --db postgres --database-url postgres://…]
 *                     [--env KEY=VALUE …] [--cpu-prof] [--keep]
 *
 * Starts both servers as child processes, drives them with autocannon from this process, prints a
 * table and writes bench/results.{json,md}. Exits non-zero when a scenario has over 1% failed requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { metricsBody, preflight, round, runScenario, type Scenario } from './load.ts';
import { freePort, rssMiB, runNode, startNode, stopAll, waitForHttp, type Child } from './processes.ts';
import { markdownTable, scenarioLine, writeResults, type Params, type ScenarioResult } from './report.ts';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '2' },
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Comma-separated scenario names to run (the bare-post ceiling always runs first).
    only: { type: 'string' },
  },
});

function positive(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
  return n;
}

const AGENTS = 2000;
const HEARTBEAT = JSON.stringify({ timestamp: '2026-07-21T10:00:00.123456789Z', health_status: 'healthy', metrics: { agent_uptime_secs: 60, cpu_usage_percent: 3.5, memory_usage_mb: 812.3, memory_total_mb: 15987.1, system_uptime_secs: 86400 } });

/** Enrolls `count` agents through the API (as real agents do) and returns each one's heartbeat path and key. */
async function enrollFleet(origin: string, auth: Record<string, string>, count: number): Promise<{ path: string; headers: Record<string, string> }[]> {
  const headers = { ...auth, 'content-type': 'application/json' };
  const secretRes = await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench' }) });
  if (secretRes.status !== 201) throw new Error(`enroll secret: ${secretRes.status} ${await secretRes.text()}`);
  const { secret } = (await secretRes.json()) as { secret: string };
  const fleet: { path: string; headers: Record<string, string> }[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${origin}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: secret, hostname: `bench-${i}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0' }),
    });
    if (res.status !== 201) throw new Error(`enroll ${i}: ${res.status} ${await res.text()}`);
    const { agentId, apiKey } = (await res.json()) as { agentId: string; apiKey: string };
    fleet.push({ path: `/api/v1/agent/${agentId}/heartbeat`, headers: { 'x-agent-api-key': apiKey } });
  }
  return fleet;
}

async function main(): Promise<number> {
  const load = { durationSec: positive('duration', args.duration, 1), connections: positive('connections', args.connections, 1), warmupSec: positive('warmup', args.warmup, 0) };
  if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error(`--db must be sqlite or postgres, got ${args.db}`);
  // The Postgres database must be empty: bootstrap only installs our admin token on first start.
  if (args.db === 'postgres' && !args['database-url']) throw new Error('--db postgres needs --database-url postgres://… (an empty database)');
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-'));
  const databaseUrl = args.db === 'postgres' ? args['database-url']! : `sqlite:${join(tmp, 'bench.db')}`;

  // The developer's shell configuration (AGENTRY_*, DATABASE_URL, PORT…) must not leak into the server
  // under test; only what is set here and what --env adds applies.
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AGENTRY_') && !['PORT', 'DATABASE_URL', 'NATS_URL', 'LOG_LEVEL'].includes(k)),
  );
  const extraEnv = Object.fromEntries(
    args.env.map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--env expects KEY=VALUE, got ${kv}`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );

  const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
  if (!/^opk_\w+$/.test(adminToken)) throw new Error(`token generate printed something unexpected: ${adminToken.slice(0, 80)}`);
  const [agentryPort, barePort] = [await freePort(), await freePort()];

  // Rate limiting stays on, so the figures include what the limiter costs per request, but every limit
  // is far above the load: one client (127.0.0.1) and one token drive each scenario, and the bench must
  // measure the server, not its 429s. `--env AGENTRY_RATE_LIMITS_ENABLED=false` measures without it.
  const rateLimitEnv = Object.fromEntries(
    ['IP', 'UNAUTHENTICATED', 'AGENT', 'OPERATOR', 'ADMIN'].flatMap((name) => [
      [`AGENTRY_RATE_LIMITS_${name}_RATE_PER_SEC`, '1000000000'],
      [`AGENTRY_RATE_LIMITS_${name}_BURST`, '1000000000'],
    ]),
  );

  const agentry: Child = startNode('agentry', ['src/main.ts', 'serve'], {
    cwd: root,
    logFile: join(tmp, 'agentry.log'),
    // The profile is written when the server exits on SIGTERM at the end of the run.
    nodeArgs: args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${tmp}`] : [],
    env: { ...baseEnv, AGENTRY_DATABASE_URL: databaseUrl, PORT: String(agentryPort), AGENTRY_SERVER_HOST: '127.0.0.1', AGENTRY_ADMIN_TOKEN: adminToken, ...rateLimitEnv, ...extraEnv },
  });
  const bare = startNode('bare', ['bench/bare-server.ts'], { cwd: root, logFile: join(tmp, 'bare.log'), env: { ...baseEnv, PORT: String(barePort) } });
  const agentryUrl = `http://127.0.0.1:${agentryPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await Promise.all([waitForHttp(agentry, `${agentryUrl}/healthz`), waitForHttp(bare, `${bareUrl}/healthz`)]);

  const body = metricsBody(784);
  const auth = { authorization: `Bearer ${adminToken}` };
  const json = { 'content-type': 'application/json' };
  const fleet = await enrollFleet(agentryUrl, auth, AGENTS);
  const scenarios: Scenario[] = [
    { name: 'bare-post', method: 'POST', origin: bareUrl, path: '/bare', headers: json, body },
    { name: 'api-info', method: 'GET', origin: agentryUrl, path: '/api/v1', headers: auth },
    // The validated POST: auth, JSON body, contract validation, a service call answered from the token cache.
    { name: 'introspect-token', method: 'POST', origin: agentryUrl, path: '/api/v1/tokens/introspect', headers: { ...auth, ...json }, body: JSON.stringify({ token: adminToken }) },
    // Smotra heartbeats from many distinct agents: key lookup per request, writes coalesced.
    {
      name: 'heartbeat',
      method: 'POST',
      origin: agentryUrl,
      path: fleet[0]!.path,
      headers: json,
      body: HEARTBEAT,
      rotate: fleet,
    },
    // A write: validation plus a SQLite/Postgres transaction (token row + audit row) per request.
    { name: 'create-token', method: 'POST', origin: agentryUrl, path: '/api/v1/tokens', headers: { ...auth, ...json }, body: JSON.stringify({ name: 'bench', role: 'viewer' }) },
  ];
  if (args.only) {
    const wanted = new Set(['bare-post', ...args.only.split(',')]);
    for (const name of wanted) if (!scenarios.some((x) => x.name === name)) throw new Error(`--only: no scenario ${name}`);
    scenarios.splice(0, scenarios.length, ...scenarios.filter((x) => wanted.has(x.name)));
  }
  const params: Params = { ...load, db: args.db, bodyBytes: body.length };
  console.log(`agentry pid ${agentry.pid} (${args.db}), bare pid ${bare.pid}; ${load.connections} connections, ${load.warmupSec} s warm-up + ${load.durationSec} s per scenario; logs in ${tmp}`);

  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  for (const s of scenarios) {
    await preflight(s);
    const stats = await runScenario(s, load);
    const ceiling = results[0]?.rps ?? stats.rps; // bare-post runs first
    const result: ScenarioResult = { name: s.name, request: `${s.method} ${s.path}`, ...stats, ofBarePct: ceiling > 0 ? round((stats.rps / ceiling) * 100, 1) : null, serverRssMiB: rssMiB(agentry.pid) };
    results.push(result);
    console.log(scenarioLine(result));
    // A failed request is one without a 2xx answer, whether it got a status or not.
    const attempted = stats.responses + stats.errors;
    const failed = stats.non2xx + stats.errors;
    if (attempted === 0 || failed / attempted > 0.01) {
      failures.push(`${s.name}: ${failed} of ${attempted} requests failed (status codes ${JSON.stringify(stats.statusCodes)}, ${stats.errors} errors, ${stats.timeouts} timeouts)`);
    }
  }

  console.log(`\n${markdownTable(results)}\n`);
  writeResults(import.meta.dirname, params, results, failures);
  console.log(`wrote bench/results.json and bench/results.md`);
  await stopAll();
  if (failures.length > 0) {
    console.error(`\nFAILED: over 1% of requests did not get a 2xx answer\n  ${failures.join('\n  ')}\n  server logs kept in ${tmp}`);
    return 1;
  }
  if (args['cpu-prof'] || args.keep) console.log(`kept ${tmp}${args['cpu-prof'] ? ' (agentry .cpuprofile inside)' : ''}`);
  else rmSync(tmp, { recursive: true, force: true });
  return 0;
}

// Ctrl-C or a kill must not leave servers behind on their ports.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
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
    await stopAll();
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
