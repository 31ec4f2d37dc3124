/**
 * Where the server's allocations come from while agents enrol, heartbeat or park their command polls:
 * `node bench/allocations.ts [--phase park | enrol | heartbeat] [--agents 2000] [--top 40]
 *   [--db sqlite | --db postgres] [--nats] [--stacks]`.
 * Starts a server (SQLite, or a throwaway Postgres cluster, with `--nats` a throwaway nats-server) with the
 * inspector on loopback and enrols the agents (each with its first heartbeat). It samples every allocation
 * (V8's sampling heap profiler, objects collected since included) while each agent parks one
 * `GET …/commands?wait=60` (`--phase park`), while the agents enrol (`--phase enrol`), or while each sends
 * one more heartbeat (`--phase heartbeat`). Prints the bytes allocated per agent by function, largest
 * first; by source (the server's build, Node's internals); and by the innermost function of agentry's own
 * code on the stack. `--stacks` lists the outermost frames of what was allocated with none of agentry's code
 * on the stack (a query builder's work run in a promise continuation).
 * Bounded: the polls end when the run stops the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollFleet, HEARTBEAT, pool } from './fleet.ts';
import { startNats, startPostgres } from './infra.ts';
import { benchServerEnv, freePort, runNode, SERVER_NODE_ARGS, serverEntry, startNode, stopAll, waitForHttp } from './processes.ts';
import { parkedCount } from './server-metrics.ts';

const { values: args } = parseArgs({
  options: {
    phase: { type: 'string', default: 'park' },
    agents: { type: 'string', default: '2000' },
    top: { type: 'string', default: '40' },
    db: { type: 'string', default: 'sqlite' },
    nats: { type: 'boolean', default: false },
    stacks: { type: 'boolean', default: false },
  },
});
if (args.phase !== 'park' && args.phase !== 'enrol' && args.phase !== 'heartbeat') throw new Error('--phase takes park, enrol or heartbeat');
if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error('--db takes sqlite or postgres');
const agentCount = Number(args.agents);
const top = Number(args.top);
if (!Number.isInteger(agentCount) || agentCount < 1 || !Number.isInteger(top) || top < 1) throw new Error('--agents and --top take positive integers');
const root = join(import.meta.dirname, '..');

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.onmessage = (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  };
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve) => {
        const id = next++;
        pending.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Visits every node with the innermost frame above it (itself included) that is agentry's own code: the `server` chunk of the build, not a dependency's. */
function walk(node: ProfileNode, visit: (n: ProfileNode, ownCaller: ProfileNode | null, path: ProfileNode[]) => void, ownCaller: ProfileNode | null = null, path: ProfileNode[] = []): void {
  const own = /\/chunks\/server-[^/]*\.js$/.test(node.callFrame.url) ? node : ownCaller;
  visit(node, own, path);
  for (const c of node.children) walk(c, visit, own, [...path, node]);
}

const frameName = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\/server\//, 'dist/').replace(/^file:\/\/.*\/node_modules\//, '')}:${lineNumber + 1}`;

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'agentry-bench-allocations-'));
  const stop = new AbortController();
  try {
    const adminToken = runNode(['src/main.ts', 'token', 'generate'], root);
    const databaseUrl = args.db === 'sqlite' ? `sqlite:${join(tmp, 'bench.db')}` : await startPostgres();
    const natsUrl = args.nats ? await startNats() : undefined;
    const [port, inspectPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${port}`;
    const server = startNode('agentry', [await serverEntry(), 'serve'], {
      cwd: tmp,
      nodeArgs: [...SERVER_NODE_ARGS, `--inspect=127.0.0.1:${inspectPort}`],
      logFile: join(tmp, 'agentry.log'),
      env: benchServerEnv({ databaseUrl, natsUrl, port, adminToken }),
    });
    await waitForHttp(server, `${origin}/healthz`, 60_000);
    const cdp = await inspector(inspectPort);
    await cdp.send('HeapProfiler.enable');
    const sample = () => cdp.send('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    if (args.phase === 'enrol') await sample();
    const fleet = await enrollFleet(origin, { authorization: `Bearer ${adminToken}` }, agentCount);
    if (args.phase !== 'enrol') await sample();
    if (args.phase === 'heartbeat')
      await pool(agentCount, 32, async (i) => {
        const res = await fetch(`${origin}/api/v1/agent/${fleet[i]!.id}/heartbeat`, { method: 'POST', headers: { ...fleet[i]!.headers, 'content-type': 'application/json' }, body: HEARTBEAT });
        if (res.status < 200 || res.status > 299) throw new Error(`heartbeat: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
    const loops: Promise<void>[] = (args.phase === 'park' ? fleet : []).map(async (agent) => {
      try {
        await (await fetch(`${origin}/api/v1/agent/${agent.id}/commands?wait=60`, { headers: agent.headers, signal: stop.signal })).arrayBuffer();
      } catch {}
    });
    const until = Date.now() + 120_000;
    while (args.phase === 'park' && (await parkedCount(origin)) < agentCount) {
      if (Date.now() > until) throw new Error('timed out waiting for every agent to park');
      await new Promise((r) => setTimeout(r, 200));
    }
    const { profile } = await cdp.send<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
    cdp.close();
    const byFunction = new Map<string, number>();
    const bySource = new Map<string, number>();
    let total = 0;
    const byOwnCaller = new Map<string, number>();
    const outer = new Map<string, number>();
    walk(profile.head, (n, ownCaller, path) => {
      if (!ownCaller && n.selfSize > 0) {
        const k = [...path.slice(1, 5), n].map(frameName).join(' < ');
        outer.set(k, (outer.get(k) ?? 0) + n.selfSize);
      }
      if (n.selfSize === 0) return;
      const { url } = n.callFrame;
      const key = frameName(n);
      byFunction.set(key, (byFunction.get(key) ?? 0) + n.selfSize);
      const caller = ownCaller ? frameName(ownCaller) : '(not under agentry code)';
      byOwnCaller.set(caller, (byOwnCaller.get(caller) ?? 0) + n.selfSize);
      const source = url.startsWith('node:') ? 'node internals' : url.includes('/dist/server/') ? 'agentry build' : url === '' ? '(no script: native, GC roots)' : 'other';
      bySource.set(source, (bySource.get(source) ?? 0) + n.selfSize);
      total += n.selfSize;
    });
    const per = (b: number) => `${(b / agentCount).toFixed(0).padStart(7)} B`;
    const what = { park: 'polls parked; allocated while parking', enrol: 'agents enrolled, each with its first heartbeat; allocated meanwhile', heartbeat: 'heartbeats; allocated meanwhile' }[args.phase];
    console.log(`${agentCount} ${what} (sampled, collected objects included): ${per(total)} per agent`);
    for (const [k, b] of [...bySource].sort((a, b) => b[1] - a[1])) console.log(`${per(b)}  ${k}`);
    console.log('by function:');
    for (const [k, b] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(b)}  ${k}`);
    if (args.stacks) {
      console.log('allocations with no agentry code on their stack (promise continuations), by their outermost frames:');
      for (const [k, b] of [...outer].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(b)}  ${k}`);
    }
    console.log("by the innermost function of agentry's own code above the allocation (dependencies' work counted to their caller):");
    for (const [k, b] of [...byOwnCaller].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(b)}  ${k}`);
    stop.abort();
    await Promise.allSettled(loops);
  } finally {
    stop.abort();
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
