/**
 * What agents leave on the server's heap once they have reported: `node bench/ingest-heap.ts [--agents 10000]
 * [--rounds 2] [--top 25] [--keep <dir>]`. Starts a SQLite server with `--heapsnapshot-signal=SIGUSR2`,
 * takes a heap snapshot idle, enrols the agents and takes another, then has every agent send `--rounds`
 * ingest requests (the bench's 10 samples each, 64 at a time) and takes a third. Prints the growth per
 * agent of both steps by constructor, largest first: what enrolment and ingestion keep in memory (key
 * cache, rate-limit buckets, series ids), not what a load's garbage costs for a while.
 * Bounded: the requests are finite and the run stops the server whatever happens.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet } from './fleet.ts';
import { printGrowth, snapshot, startSnapshotServer } from './heap-snapshots.ts';
import { ingestScenario } from './ingest.ts';
import { rssMiB, stopAll } from './processes.ts';

const { values: args } = parseArgs({
  options: { agents: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '2' }, top: { type: 'string', default: '25' }, keep: { type: 'string' } },
});
const agentCount = Number(args.agents);
const rounds = Number(args.rounds);
const top = Number(args.top);
if (![agentCount, rounds, top].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--agents, --rounds and --top take positive integers');
const CONCURRENCY = 64;

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-ingest-heap-'));
  try {
    const { server, origin, adminToken } = await startSnapshotServer(tmp);
    const idle = await snapshot(server.pid, tmp);
    const fleet = await enrollFleet(origin, { authorization: `Bearer ${adminToken}` }, agentCount);
    console.log(`${agentCount} agents enrolled: server RSS ${rssMiB(server.pid)} MiB`);
    const enrolled = await snapshot(server.pid, tmp);
    const scenario = ingestScenario(origin, fleet);
    for (let r = 0; r < rounds; r++) {
      const requests = fleet.map(() => scenario.next!());
      for (let i = 0; i < requests.length; i += CONCURRENCY)
        await Promise.all(
          requests.slice(i, i + CONCURRENCY).map(async (v) => {
            const res = await fetch(origin + v.path, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: v.body });
            if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
            await res.arrayBuffer();
          }),
        );
    }
    console.log(`${rounds} ingest request(s) per agent sent: server RSS ${rssMiB(server.pid)} MiB (includes the snapshots' own allocations)`);
    const ingested = await snapshot(server.pid, tmp);
    if (args.keep) for (const [name, file] of Object.entries({ idle, enrolled, ingested })) copyFileSync(file, join(args.keep, `${name}.heapsnapshot`));
    console.log('\nenrolment:');
    printGrowth(idle, enrolled, agentCount, 'agent', top);
    console.log('\ningestion:');
    printGrowth(enrolled, ingested, agentCount, 'agent', top);
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
