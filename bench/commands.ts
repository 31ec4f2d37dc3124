/**
 * Remote commands at fleet scale, on loopback against a server started here:
 * `node bench/commands.ts [--agents 10000] [--sends 50] [--db sqlite | --db postgres [--database-url postgres://…]] [--nats] [--cpu-prof] [--server-node-args='--trace-gc …']`
 * (Postgres: a throwaway cluster unless a URL is given; `--nats`: a throwaway JetStream nats-server;
 * `--cpu-prof`: the server writes a CPU profile, kept with its log, for `node bench/profile-top.ts`;
 * `--server-node-args`: the server's node flags instead of the default ones).
 *  (a) every agent parks in `GET /agent/{id}/commands?wait=60`: the server's RSS with all of them parked, and
 *      per parked poll the RSS, the V8 heap in use (from the server's metrics) and the rest;
 *  (b) one command sent to one parked agent, `--sends` times: from the submit to its poll's answer (p50/p95);
 *  (c) one command fanned out to every agent: the time to create it, and until every execution is delivered
 *      (each agent re-polls as soon as its poll answers).
 * Bounded: every poll ends within its wait, and the run stops the server whatever happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HEARTBEAT, pool } from './fleet.ts';
import { startNats, startPostgres } from './infra.ts';
import { heapUsedMiB, parkedCount, scrapeTime, serverSideMs, serverSideTotals } from './server-metrics.ts';
import { benchServerEnv, freePort, rssMiB, runNode, SERVER_NODE_ARGS, serverEntry, startNode, stopAll, waitForHttp } from './processes.ts';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    sends: { type: 'string', default: '50' },
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    nats: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'server-node-args': { type: 'string' },
  },
});
if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error('--db takes sqlite or postgres');
const agentCount = Number(args.agents);
const sends = Number(args.sends);
if (!Number.isInteger(agentCount) || agentCount < 1 || !Number.isInteger(sends) || sends < 1) throw new Error('--agents and --sends take positive integers');

const root = join(import.meta.dirname, '..');
/** The bound, 250 MB (decimal), in MiB as RSS is printed: 238.4. */
const RSS_TARGET_MIB = 250e6 / 1024 ** 2;
const LATENCY_TARGET_MS = 20;

interface ParkedAgent {
  id: string;
  headers: Record<string, string>;
  /** This agent's own keep-alive connection: one fetch pool of 10,000 connections scans them all on every request, and the load generator became the bottleneck. */
  http: HttpAgent;
  /** When each command reached this agent (performance.now()). */
  received: Map<string, number>;
  /** Called when a command arrives; set by whoever waits for one. */
  onCommand?: (commandId: string) => void;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
/** The pause between the fleet's check through /metrics and a timed submit. */
const QUIET_MS = 100;
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function enroll(origin: string, auth: Record<string, string>): Promise<ParkedAgent[]> {
  const headers = { ...auth, 'content-type': 'application/json' };
  const secretRes = await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench-commands' }) });
  if (secretRes.status !== 201) throw new Error(`enroll secret: ${secretRes.status} ${await secretRes.text()}`);
  const { secret } = (await secretRes.json()) as { secret: string };
  const fleet: ParkedAgent[] = new Array(agentCount);
  await pool(agentCount, 32, async (i) => {
    const body = { enrollSecret: secret, hostname: `cmd-${i}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0', capabilities: ['run_command'], tags: ['bench'] };
    const res = await fetch(`${origin}/api/v1/agent/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`enroll ${i}: ${res.status} ${await res.text()}`);
    const { agentId, apiKey } = (await res.json()) as { agentId: string; apiKey: string };
    fleet[i] = { id: agentId, headers: { 'x-agent-api-key': apiKey }, http: new HttpAgent({ keepAlive: true, maxSockets: 1 }), received: new Map() };
    const hb = await fetch(`${origin}/api/v1/agent/${agentId}/heartbeat`, { method: 'POST', headers: { 'x-agent-api-key': apiKey, 'content-type': 'application/json' }, body: HEARTBEAT });
    await hb.arrayBuffer();
  });
  return fleet;
}

/** GET over the agent's own connection: the status and the body as text. */
function get(url: string, agent: ParkedAgent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // No AbortSignal per request: 10,000 listeners on one signal make each addEventListener a long scan. Stopping destroys the agents' connections instead.
    const req = request(url, { headers: agent.headers, agent: agent.http }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls with wait=60 until `stop` aborts, noting every command received. */
async function pollLoop(origin: string, agent: ParkedAgent, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      const res = await get(`${origin}/api/v1/agent/${agent.id}/commands?wait=60`, agent);
      const at = performance.now();
      if (res.status !== 200) throw new Error(`poll: ${res.status} ${res.body}`);
      const { commands } = JSON.parse(res.body) as { commands: { commandId: string }[] };
      for (const c of commands) {
        agent.received.set(c.commandId, at);
        agent.onCommand?.(c.commandId);
      }
    } catch (err) {
      if (stop.aborted) return;
      throw err;
    }
  }
}

/** The first error of an agent's poll loop: every wait then fails with it, so the run stops its server instead of dying on an unhandled rejection. */
let pollFailure: unknown = null;

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (pollFailure !== null) throw pollFailure;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-commands-'));
  const databaseUrl = args.db === 'sqlite' ? `sqlite:${join(tmp, 'bench.db')}` : (args['database-url'] ?? (await startPostgres()));
  const natsUrl = args.nats ? await startNats() : undefined;
  console.log(`database: ${args.db}${natsUrl ? ' + NATS' : ''}`);
  const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A --cpu-prof profile starts with the process: the fan-out's window is printed relative to this.
  const spawnedAt = performance.now();
  const sinceSpawn = () => ((performance.now() - spawnedAt) / 1000).toFixed(1);
  const server = startNode('agentry', [await serverEntry(), 'serve'], {
    cwd: root,
    nodeArgs: [...(args['server-node-args'] === undefined ? SERVER_NODE_ARGS : args['server-node-args'].split(' ').filter(Boolean)), ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${tmp}`] : [])],
    logFile: join(tmp, 'agentry.log'),
    env: benchServerEnv({ databaseUrl, natsUrl, port, adminToken }),
  });
  const stop = new AbortController();
  let fleet: ParkedAgent[] = [];
  try {
    await waitForHttp(server, `${origin}/healthz`, 60_000);
    const auth = { authorization: `Bearer ${adminToken}` };
    let t = performance.now();
    fleet = await enroll(origin, auth);
    console.log(`enrolled ${agentCount} agents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const rssIdle = rssMiB(server.pid) ?? Number.NaN;
    const heapIdle = await heapUsedMiB(origin);

    // (a) everyone parked
    // Connections opened a thousand at a time: 10,000 connects at once overflow the listen backlog on a busy machine.
    const loops: Promise<void>[] = [];
    t = performance.now();
    const parkFrom = sinceSpawn();
    for (const [i, a] of fleet.entries()) {
      loops.push(
        pollLoop(origin, a, stop.signal).catch((err: unknown) => {
          pollFailure ??= err;
        }),
      );
      if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 200));
    }
    await waitUntil(async () => (await parkedCount(origin)) >= agentCount, 120_000, 'every agent to park');
    const parkedInSec = (performance.now() - t) / 1000;
    const parkTo = sinceSpawn();
    await new Promise((r) => setTimeout(r, 1000));
    const rssParked = rssMiB(server.pid) ?? Number.NaN;
    const heapParked = await heapUsedMiB(origin);
    const perPoll = (mib: number) => `${((mib * 1024) / agentCount).toFixed(1)} KiB`;
    // Parking 10,000 polls in two seconds leaves garbage a parked fleet does not hold: RSS is read again after
    // 10 s more with every poll still parked (their wait is 60 s), when the heap has settled.
    await new Promise((r) => setTimeout(r, 10_000));
    const rssSettled = rssMiB(server.pid) ?? Number.NaN;
    const stillParked = await parkedCount(origin);
    const scrapeFrom = sinceSpawn();
    const scrapeMs = await scrapeTime(origin);
    const scrapeTo = sinceSpawn();
    console.log(
      `(a) ${agentCount} parked (in ${parkedInSec.toFixed(1)} s): server RSS ${rssParked} MiB 1 s after the last one parked, ${rssSettled} MiB 10 s later with ${stillParked} still parked (${rssIdle} MiB before) — target ≤ 250 MB (${RSS_TARGET_MIB.toFixed(1)} MiB): ${rssParked <= RSS_TARGET_MIB ? 'met' : rssSettled <= RSS_TARGET_MIB ? 'met once settled' : 'NOT met'}`,
    );
    console.log(`    a /metrics scrape with ${stillParked} parked: ${ms(scrapeMs)} (median of 5)`);
    if (args['cpu-prof']) console.log(`    profile windows: parking --from ${parkFrom} --to ${parkTo}, scrapes --from ${scrapeFrom} --to ${scrapeTo}`);
    // The heap figure includes garbage not yet collected; bench/parked-heap.ts measures live data.
    console.log(
      `    per parked poll: RSS ${perPoll(rssParked - rssIdle)}, V8 heap in use ${perPoll(heapParked - heapIdle)} (${heapIdle.toFixed(1)} → ${heapParked.toFixed(1)} MiB), the rest (native) ${perPoll(rssParked - rssIdle - (heapParked - heapIdle))}`,
    );

    const submit = async (targets: Record<string, unknown>) => {
      const res = await fetch(`${origin}/api/v1/commands`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ type: 'run_command', payload: { cmd: 'true', timeoutSec: 10 }, targets, ttlSec: 600 }),
      });
      if (res.status !== 201) throw new Error(`submit: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { command: { id: string } }).command.id;
    };

    // (b) one command to one parked agent
    const latencies: number[] = [];
    // The submit's own answer time, and from its 201 to the poll's answer: where the time goes.
    const submitTimes: number[] = [];
    const afterCreated: number[] = [];
    const sendsFrom = sinceSpawn();
    for (let i = 0; i < sends; i++) {
      const agent = fleet[(i * 7919) % agentCount]!;
      await waitUntil(async () => (await parkedCount(origin)) >= agentCount, 10_000, 'the fleet to park again');
      // The check above reads /metrics, which with thousands of connections costs the server milliseconds
      // (see the scrape time above) and leaves garbage: let that pass, as a scrape every 15 s would, so
      // that the figure is the command's path and not the probe's.
      await new Promise((r) => setTimeout(r, QUIET_MS));
      const arrived = new Promise<void>((resolve) => {
        agent.onCommand = () => resolve();
      });
      const sentAt = performance.now();
      const id = await submit({ agentIds: [agent.id] });
      const createdAt = performance.now();
      await arrived;
      agent.onCommand = undefined;
      const receivedAt = agent.received.get(id)!;
      latencies.push(receivedAt - sentAt);
      submitTimes.push(createdAt - sentAt);
      afterCreated.push(receivedAt - createdAt);
    }
    for (const list of [latencies, submitTimes, afterCreated]) list.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    console.log(
      `(b) submit → poll answer over ${sends} sends: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(p95)}, max ${ms(latencies.at(-1)!)} — target p95 < ${LATENCY_TARGET_MS} ms: ${p95 < LATENCY_TARGET_MS ? 'met' : 'NOT met'}`,
    );
    console.log(
      `    the submit's 201 after p50 ${ms(percentile(submitTimes, 50))}, p95 ${ms(percentile(submitTimes, 95))}; from the 201 to the poll's answer p50 ${ms(percentile(afterCreated, 50))}, p95 ${ms(percentile(afterCreated, 95))} (negative: the poll answered first)`,
    );
    const served = await serverSideMs(origin, 'POST', '/api/v1/commands');
    console.log(`    the server's own time per submit (http_request_duration_seconds): mean ${ms(served)}`);
    if (args['cpu-prof']) console.log(`    profile window: --from ${sendsFrom} --to ${sinceSpawn()}`);

    // (c) one command to every agent
    await waitUntil(async () => (await parkedCount(origin)) >= agentCount, 10_000, 'the fleet to park again');
    const profileFrom = sinceSpawn();
    const before = await serverSideTotals(origin, 'POST', '/api/v1/commands');
    const sentAt = performance.now();
    const id = await submit({ tags: ['bench'] });
    const created = performance.now() - sentAt;
    await waitUntil(() => fleet.every((a) => a.received.has(id)), 300_000, 'every execution to be delivered');
    const arrivals = fleet.map((a) => a.received.get(id)! - sentAt);
    const last = Math.max(...arrivals);
    const after = await serverSideTotals(origin, 'POST', '/api/v1/commands');
    console.log(
      `(c) fan-out to ${agentCount}: created in ${ms(created)}, first execution delivered after ${ms(Math.min(...arrivals))}, every one after ${ms(last)}; server RSS ${rssMiB(server.pid)} MiB (${rssParked} MiB parked)`,
    );
    // The bench reads the 201 on the event loop its agents share: while thousands of answers arrive, the
    // server's own time for the submit says when it answered.
    console.log(`    the server answered the submit in ${ms(((after.sum - before.sum) / (after.count - before.count)) * 1000)} (http_request_duration_seconds)`);
    if (args['cpu-prof']) console.log(`    profile window: --from ${profileFrom} --to ${sinceSpawn()}`);
    stop.abort();
    for (const a of fleet) a.http.destroy();
    await Promise.allSettled(loops);
    if (pollFailure !== null) throw pollFailure;
  } finally {
    // Sparse when enrolment failed part-way.
    for (const a of fleet) a?.http.destroy();
    stop.abort();
    await stopAll();
    if (args['cpu-prof']) console.log(`kept ${tmp} (agentry .cpuprofile inside)`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
