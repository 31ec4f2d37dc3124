/**
 * What one parked command poll holds on the server's heap, measured without noise from the machine's load:
 * `node bench/parked-heap.ts [--agents 2000] [--top 30] [--keep <dir>]` (`--keep`: the two snapshots are copied there, to open
 * in a browser's DevTools and follow what retains what). Starts a SQLite server with
 * `--heapsnapshot-signal=SIGUSR2`, enrols the agents, takes a heap snapshot (V8 collects garbage first),
 * parks every agent in `GET /agent/{id}/commands?wait=60`, takes another, and prints the difference per
 * parked poll: in total and by node type and constructor, largest first.
 * Bounded: every poll ends within its wait, and the run stops the server whatever happens.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet } from './fleet.ts';
import { printGrowth, snapshot, startSnapshotServer } from './heap-snapshots.ts';
import { rssMiB, stopAll } from './processes.ts';
import { parkedCount } from './server-metrics.ts';

const { values: args } = parseArgs({ options: { agents: { type: 'string', default: '2000' }, top: { type: 'string', default: '30' }, keep: { type: 'string' } } });
const agentCount = Number(args.agents);
const top = Number(args.top);
if (!Number.isInteger(agentCount) || agentCount < 1 || !Number.isInteger(top) || top < 1) throw new Error('--agents and --top take positive integers');
async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-parked-heap-'));
  const stop = new AbortController();
  try {
    const { server, origin, adminToken } = await startSnapshotServer(tmp);
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
    printGrowth(idle, parked, agentCount, 'parked poll', top);
  } finally {
    stop.abort();
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
