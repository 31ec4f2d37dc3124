/**
 * Top self-time functions of a V8 .cpuprofile, e.g. the one `node bench/run.ts --cpu-prof` keeps:
 *   node bench/profile-top.ts <file.cpuprofile> [count] [--from SEC] [--to SEC]
 * Quicker to read in a terminal than loading the profile into DevTools, and enough to see where a
 * scenario's time goes. --from/--to keep only the samples in that window (seconds since the profile
 * started); with --cpu-prof, bench/run.ts prints each scenario's window. --inclusive charges each sample to
 * every function on its stack (once per function), which shows what a whole layer costs.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, inclusive: { type: 'boolean', default: false } } });
// A glob over a kept bench directory names both isolates' profiles (the server's and the WAL checkpoint
// worker's): read the largest, the server's main thread.
const files = positionals.filter((p) => p.endsWith('.cpuprofile')).sort((a, b) => statSync(b).size - statSync(a).size);
const countArg = positionals.find((p) => /^\d+$/.test(p)) ?? '25';
const file = files[0];
if (files.length > 1) console.log(`reading ${file} (the largest of ${files.length} profiles)`);
if (!file) {
  console.error('usage: node bench/profile-top.ts <file.cpuprofile> [count] [--from SEC] [--to SEC] [--inclusive]');
  process.exit(2);
}
const [fromUs, toUs] = [Number(opts.from ?? 0) * 1e6, opts.to === undefined ? Infinity : Number(opts.to) * 1e6];
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

function keyOf(frame: ProfileNode['callFrame']): string {
  const where = frame.url ? `${relative(process.cwd(), frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'} ${where}`.trim();
}

/** The keys a sample is charged to: its top frame, or with --inclusive every distinct frame on the stack. */
function chargedKeys(id: number): string[] {
  if (!opts.inclusive) return [keyOf(byId.get(id)!.callFrame)];
  const keys = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) keys.add(keyOf(byId.get(at)!.callFrame));
  return [...keys];
}

// Self time: each sample charges the time until the next sample to the function on top of the stack.
const selfUs = new Map<string, number>();
let totalUs = 0;
let atUs = 0;
profile.samples.forEach((id, i) => {
  atUs += profile.timeDeltas[i] ?? 0;
  if (atUs < fromUs || atUs > toUs) return;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  if (!byId.has(id)) return;
  for (const key of chargedKeys(id)) selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  totalUs += delta;
});

const top = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg));
console.log(`total ${(totalUs / 1e6).toFixed(1)} s sampled`);
for (const [key, us] of top) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
