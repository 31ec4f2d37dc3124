/**
 * Heap snapshots of a running server, for the bench's memory probes (`parked-heap.ts`, `ingest-heap.ts`):
 * the server runs with `--heapsnapshot-signal=SIGUSR2` in a directory of its own, where Node writes them
 * (V8 collects garbage first), and two snapshots are compared by constructor.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchServerEnv, type Child, freePort, runNode, SERVER_NODE_ARGS, serverEntry, startNode, waitForHttp } from './processes.ts';

const root = join(import.meta.dirname, '..');

/**
 * Starts a SQLite server in `dir` (where Node writes its snapshots on SIGUSR2) and waits until it answers.
 * Stopped by `stopAll()`.
 */
export async function startSnapshotServer(dir: string): Promise<{ server: Child; origin: string; adminToken: string }> {
  const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = startNode('agentry', [await serverEntry(), 'serve'], {
    cwd: dir,
    nodeArgs: [...SERVER_NODE_ARGS, '--heapsnapshot-signal=SIGUSR2'],
    logFile: join(dir, 'agentry.log'),
    env: benchServerEnv({ databaseUrl: `sqlite:${join(dir, 'bench.db')}`, port, adminToken }),
  });
  await waitForHttp(server, `${origin}/healthz`, 60_000);
  return { server, origin, adminToken };
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Self sizes and counts by "type:constructor" (strings by type only), and the total without compiled code
 * (code compiled between two snapshots is not held by what a bench measures).
 */
export function sizesByConstructor(file: string): { total: number; by: Map<string, { count: number; bytes: number }> } {
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

/** Signals the server to write a heap snapshot into `dir` and waits until the file is complete. */
export async function snapshot(pid: number, dir: string): Promise<string> {
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

/** Prints how the heap grew from `before` to `after`, per unit (a parked poll, an agent), largest first. */
export function printGrowth(beforeFile: string, afterFile: string, units: number, unit: string, top: number): void {
  const before = sizesByConstructor(beforeFile);
  const after = sizesByConstructor(afterFile);
  console.log(`heap without code (self sizes, after GC): ${before.total} → ${after.total} B: ${Math.round((after.total - before.total) / units)} B per ${unit}`);
  const rows = [...new Set([...before.by.keys(), ...after.by.keys()])].map((key) => {
    const a = before.by.get(key) ?? { count: 0, bytes: 0 };
    const b = after.by.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: (b.count - a.count) / units, bytes: (b.bytes - a.bytes) / units };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  for (const r of rows.slice(0, top)) console.log(`${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(1).padStart(6)} ×  ${r.key}`);
}
