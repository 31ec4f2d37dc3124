/**
 * Top self-time functions of a V8 .cpuprofile, e.g. the one `node bench/run.ts --cpu-prof` keeps:
 *   node bench/profile-top.ts <file.cpuprofile> [count] [--from SEC] [--to SEC]
 * Quicker to read in a terminal than loading the profile into DevTools, and enough to see where a
 * scenario's time goes. --from/--to keep only the samples in that window (seconds since the profile
 * started); with --cpu-prof, bench/run.ts prints each scenario's window.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' } } });
const [file, countArg = '25'] = positionals;
if (!file) {
  console.error('usage: node bench/profile-top.ts <file.cpuprofile> [count] [--from SEC] [--to SEC]');
  process.exit(2);
}
const [fromUs, toUs] = [Number(opts.from ?? 0) * 1e6, opts.to === undefined ? Infinity : Number(opts.to) * 1e6];
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time: each sample charges the time until the next sample to the function on top of the stack.
const selfUs = new Map<string, number>();
let totalUs = 0;
let atUs = 0;
profile.samples.forEach((id, i) => {
  atUs += profile.timeDeltas[i] ?? 0;
  if (atUs < fromUs || atUs > toUs) return;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  const where = frame.url ? `${relative(process.cwd(), frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
  const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  totalUs += delta;
});

const top = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg));
console.log(`total ${(totalUs / 1e6).toFixed(1)} s sampled`);
for (const [key, us] of top) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
