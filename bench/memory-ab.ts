/**
 * Memory A/B: the server's RSS and CPU per request under heartbeat and ingest load, for several ways of
 * starting it (V8 flags, environment), alternated over one enrolled fleet so that a busy machine weighs on
 * every variant alike (docs/performance.md, Memory).
 *
 *   node bench/memory-ab.ts [--agents 10000] [--duration 5] [--rounds 2]
 *        --variant 'name;--max-semi-space-size=32;MALLOC_ARENA_MAX=8,AGENTRY_DATABASE_SQLITE_CACHE_MB=64' …
 *
 * A variant is `name;node flags (space-separated);KEY=VALUE,…[;entry script]`. The fleet is enrolled once (first variant);
 * each round then restarts the server on the same SQLite file once per variant and prints RSS idle (2 s
 * after start), after heartbeat and after ingest, with the server's CPU µs per request of each. With
 * `--trace-gc-nvp` among a variant's flags it also prints the collectors' work per request (bytes copied by
 * scavenges, bytes marked by mark-compacts), which a busy machine distorts less than CPU time.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet } from './fleet.ts';
import { runScenario, type LoadOptions } from './load.ts';
import {
  cpuSeconds,
  freePort,
  onCleanup,
  rssMiB,
  runNode,
  SERVER_ENTRY,
  SERVER_ENV,
  SERVER_NODE_ARGS,
  serverEntry,
  startNode,
  waitForHttp,
  type Child,
  inheritedEnv,
  UNLIMITED_RATE_LIMITS,
} from './processes.ts';
import type { RunFacts } from './report.ts';
import { steps, type LoadStep, type RunContext } from './scenarios.ts';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    variant: { type: 'string', multiple: true, default: [] },
  },
});

interface Variant {
  name: string;
  nodeArgs: string[];
  env: Record<string, string>;
  /** The script that starts the server: the TypeScript sources or the single-file build. */
  entry: string;
}

function parseVariant(raw: string): Variant {
  const [name = '', flags = '', env = '', entry = SERVER_ENTRY] = raw.split(';');
  const pairs = env
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
  return { name, nodeArgs: flags.split(' ').filter(Boolean), env: Object.fromEntries(pairs), entry };
}

const variants = args.variant.length > 0 ? args.variant.map(parseVariant) : [{ name: 'production', nodeArgs: SERVER_NODE_ARGS, env: SERVER_ENV, entry: SERVER_ENTRY }];
const tmp = mkdtempSync(join(tmpdir(), 'agentry-memory-ab-'));
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const baseEnv = inheritedEnv();
const databaseUrl = `sqlite:${join(tmp, 'bench.db')}`;

/**
 * What the collectors did, from `--trace-gc-nvp` lines logged from byte `from` on: bytes scavenges copied
 * (survivors and promoted) and bytes mark-compacts marked (the live old generation). Their work grows with
 * these bytes, so unlike pause times they hardly depend on how busy the machine is.
 */
function gcWork(log: string, from: number): { scavenges: number; copied: number; markCompacts: number; marked: number } {
  const work = { scavenges: 0, copied: 0, markCompacts: 0, marked: 0 };
  const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  for (const line of readFileSync(log, 'utf8').slice(from).split('\n')) {
    if (line.includes(' gc=s ')) {
      work.scavenges++;
      work.copied += field(line, 'promoted') + field(line, 'new_space_survived');
    } else if (line.includes(' gc=mc ')) {
      work.markCompacts++;
      work.marked += field(line, 'end_object_size');
    }
  }
  return work;
}

/**
 * Where the server's memory is, from its /metrics: the V8 heap (all spaces: reserved pages and what is in
 * use) and what the rest of the RSS holds (code, malloc: SQLite's page cache, buffers, thread stacks).
 */
async function heapCell(rss: number): Promise<string> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0) /
    2 ** 20;
  const total = sum('nodejs_heap_space_size_total_bytes');
  const used = sum('nodejs_heap_space_size_used_bytes');
  const external = Number(/^nodejs_external_memory_bytes (\S+)/m.exec(text)?.[1] ?? 0) / 2 ** 20;
  return `heap ${total.toFixed(0)} (used ${used.toFixed(0)}, external ${external.toFixed(0)}) other ${(rss - total).toFixed(0)} MiB`;
}

async function start(v: Variant): Promise<Child> {
  const env = { ...baseEnv, ...UNLIMITED_RATE_LIMITS, AGENTRY_DATABASE_URL: databaseUrl, PORT: String(port), AGENTRY_SERVER_HOST: '127.0.0.1', AGENTRY_ADMIN_TOKEN: adminToken, ...v.env };
  const child = startNode(`agentry ${v.name}`, [v.entry === SERVER_ENTRY ? await serverEntry() : v.entry, 'serve'], { cwd: root, env, logFile: join(tmp, 'agentry.log'), nodeArgs: v.nodeArgs });
  await waitForHttp(child, `${origin}/healthz`, 60_000);
  return child;
}

const facts: RunFacts = { phases: {}, seeding: null, notes: [] };
const ctx: RunContext = {
  agentryUrl: origin,
  bareUrl: origin,
  referenceUrl: origin,
  adminToken,
  databaseUrl,
  fleet: [],
  seedRows: 0,
  rangeConnections: [],
  facts,
  agentryPid: () => 0,
  tmpDir: tmp,
  fleetSim: { agents: 0, rate: 1, durationSec: 1 },
  commandsBench: { db: 'sqlite', nats: false, agents: 0 },
  phase: (_name, fn) => fn(),
};
const load: LoadOptions = { durationSec: Number(args.duration), connections: 64, warmupSec: 2 };
const chosen = steps(ctx).filter((s): s is LoadStep => 'build' in s && (s.name === 'heartbeat' || s.name === 'ingest'));

const first = await start(variants[0]!);
const t = performance.now();
ctx.fleet = await enrollFleet(origin, { authorization: `Bearer ${adminToken}` }, Number(args.agents));
console.log(`enrolled ${ctx.fleet.length} agents in ${((performance.now() - t) / 1000).toFixed(0)} s; RSS ${rssMiB(first.pid)} MiB (${variants[0]!.name})`);
await first.stop();

for (let round = 1; round <= Number(args.rounds); round++) {
  for (const v of variants) {
    const server = await start(v);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMiB(server.pid);
    const cells = [`round ${round} ${v.name.padEnd(14)} idle ${idle} MiB, ${await heapCell(Number(idle))}`];
    for (const step of chosen) {
      const scenario = await step.build();
      if ('skip' in scenario) continue;
      const logFrom = statSync(server.logFile).size;
      const cpuBefore = cpuSeconds(server.pid)!;
      const started = performance.now();
      const stats = await runScenario(scenario, load);
      const cpuPerSec = (cpuSeconds(server.pid)! - cpuBefore) / ((performance.now() - started) / 1000);
      await step.finish?.(stats);
      const requests = stats.rps * ((performance.now() - started) / 1000);
      const gc = v.nodeArgs.includes('--trace-gc-nvp') ? gcWork(server.logFile, logFrom) : undefined;
      const kib = (bytes: number) => (bytes / 1024 / requests).toFixed(2);
      const gcCell = gc ? ` GC ${gc.scavenges} scavenges copied ${kib(gc.copied)} KiB/req, ${gc.markCompacts} mark-compacts marked ${kib(gc.marked)} KiB/req` : '';
      const rss = rssMiB(server.pid);
      cells.push(`${step.name} ${Math.round(stats.rps)} req/s ${((cpuPerSec * 1e6) / stats.rps).toFixed(1)} µs/req${gcCell} RSS ${rss} MiB, ${await heapCell(Number(rss))}`);
    }
    console.log(cells.join(' | '));
    await server.stop();
  }
}
rmSync(tmp, { recursive: true, force: true });
process.exit(0);
