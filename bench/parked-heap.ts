/**
 * What one parked command poll holds on the server's heap, measured without noise from the machine's load:
 * `node bench/parked-heap.ts [--agents 2000] [--top 30] [--keep <dir>]` (`--keep`: the two snapshots are copied there, to open
 * in a browser's DevTools and follow what retains what). Starts a SQLite server with
 * `--heapsnapshot-signal=SIGUSR2`, enrols the agents, takes a heap snapshot (V8 collects garbage first),
 * parks every agent in `GET /agent/{id}/commands?wait=60`, takes another, and prints the difference per
 * parked poll: in total and by node type and constructor, largest first.
 * Bounded: every poll ends within its wait, and the run stops the server whatever happens.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet } from './fleet.ts';
import { freePort, rssMiB, runNode, SERVER_NODE_ARGS, serverEntry, startNode, stopAll, waitForHttp, inheritedEnv, UNLIMITED_RATE_LIMITS } from './processes.ts';

const { values: args } = parseArgs({ options: { agents: { type: 'string', default: '2000' }, top: { type: 'string', default: '30' }, keep: { type: 'string' } } });
const agentCount = Number(args.agents);
const top = Number(args.top);
if (!Number.isInteger(agentCount) || agentCount < 1 || !Number.isInteger(top) || top < 1) throw new Error('--agents and --top take positive integers');
const root = join(import.meta.dirname, '..');

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Self sizes and counts by "type:constructor" (strings by type only), and the total without compiled code
 * (code compiled between the two snapshots is not held by the polls).
 */
function sizesByConstructor(file: string): { total: number; by: Map<string, { count: number; bytes: number }> } {
  // The snapshot's own JSON format (V8), read for three fields of each node.
  const s = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = s.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = s.snapshot.meta.node_types[0];
  const by = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + typeAt]!]!;
    if (type === 'code') continue;
    const name = type.includes('string') ? '' : s.strings[s.nodes[i + nameAt]!]!.slice(0, 60);
    const bytes = s.nodes[i + sizeAt]!;
    const entry = by.get(`${type}:${name}`) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    by.set(`${type}:${name}`, entry);
    total += bytes;
  }
  return { total, by };
}

async function parkedCount(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^command_pollers_parked (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Signals the server to write a heap snapshot into `dir` and waits until the file is complete. */
async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let lastSize = -1; ; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = readFileSync(join(dir, file)).length;
    if (size > 0 && size === lastSize) return join(dir, file);
    lastSize = size;
  }
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-parked-heap-'));
  const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = inheritedEnv();
  // The server runs in the temp dir, where Node writes the snapshots.
  const server = startNode('agentry', [await serverEntry(), 'serve'], {
    cwd: tmp,
    nodeArgs: [...SERVER_NODE_ARGS, '--heapsnapshot-signal=SIGUSR2'],
    logFile: join(tmp, 'agentry.log'),
    env: { ...env, ...UNLIMITED_RATE_LIMITS, AGENTRY_DATABASE_URL: `sqlite:${join(tmp, 'bench.db')}`, PORT: String(port), AGENTRY_SERVER_HOST: '127.0.0.1', AGENTRY_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' },
  });
  const stop = new AbortController();
  try {
    await waitForHttp(server, `${origin}/healthz`, 60_000);
    const fleet = await enrollFleet(origin, { authorization: `Bearer ${adminToken}` }, agentCount);
    const idle = await snapshot(server.pid, tmp);
    const loops = fleet.map(async (agent) => {
      while (!stop.signal.aborted) {
        try {
          await (await fetch(`${origin}/api/v1/agent/${agent.id}/commands?wait=60`, { headers: agent.headers, signal: stop.signal })).arrayBuffer();
        } catch {
          return;
        }
      }
    });
    const until = Date.now() + 120_000;
    while ((await parkedCount(origin)) < agentCount) {
      if (Date.now() > until) throw new Error('timed out waiting for every agent to park');
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`${agentCount} parked: server RSS ${rssMiB(server.pid)} MiB (includes the first snapshot's own allocations)`);
    const parked = await snapshot(server.pid, tmp);
    stop.abort();
    await Promise.allSettled(loops);
    if (args.keep)
      for (const [name, file] of [
        ['idle', idle],
        ['parked', parked],
      ] as const)
        copyFileSync(file, join(args.keep, `${name}.heapsnapshot`));
    const before = sizesByConstructor(idle);
    const after = sizesByConstructor(parked);
    console.log(`heap without code (self sizes, after GC): ${before.total} → ${after.total} B: ${Math.round((after.total - before.total) / agentCount)} B per parked poll`);
    const rows = [...new Set([...before.by.keys(), ...after.by.keys()])].map((key) => {
      const a = before.by.get(key) ?? { count: 0, bytes: 0 };
      const b = after.by.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: (b.count - a.count) / agentCount, bytes: (b.bytes - a.bytes) / agentCount };
    });
    rows.sort((x, y) => y.bytes - x.bytes);
    for (const r of rows.slice(0, top)) console.log(`${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(1).padStart(6)} ×  ${r.key}`);
  } finally {
    stop.abort();
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
