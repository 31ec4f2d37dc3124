/**
 * One chaos run: throwaway Postgres and NATS, two agentry instances, ingest and heartbeat load, and the
 * faults injected first while one instance serves the load, then while both do (the short version: only
 * the second round). Afterwards: the load stops, the pipeline drains, and the database is checked for every
 * acknowledged sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '../src/services/secrets.ts';
import { FAULTS, readinessRecovery, type FaultKind } from './faults.ts';
import { startInfra, streamState, type Infra } from './infra.ts';
import { enrollAgents, Load } from './load.ts';
import { processGauges, readiness, startInstance, stopInstance, type Instance, type ProcessGauges } from './servers.ts';
import { checkStored, type StoredCheck } from './verify.ts';

export interface ChaosOptions {
  short: boolean;
  agents: number;
  /** The faults of each round, in order. */
  faults: FaultKind[];
  log: (line: string) => void;
  /** Keep the instances' log files (their directory is printed) instead of removing them. */
  keepLogs?: boolean;
}

export interface FaultOutcome {
  fault: FaultKind;
  serving: number;
  /** From the dependency being back to every instance ready again; null: not within 30 s. */
  readyAfterMs: number | null;
  /** When the fault began and the dependency was back (ms since the run started). */
  atMs: [number, number];
}

export interface ChaosResult extends StoredCheck {
  seconds: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  slowestMs: number;
  faults: FaultOutcome[];
  survived: Record<string, string>;
  processes: { instance: string; before: ProcessGauges; after: ProcessGauges }[];
  /** Stream messages below the consumer's ack floor right after the drain (acked, still stored)... */
  belowAckFloor: number;
  /** ...and how long the instances took to purge them (null: not within 25 s). */
  purgedAfterMs: number | null;
  failures: string[];
}

const SETTLE_MS = { full: 4000, short: 3000 };
const ACK_WAIT_SEC = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'agentry-chaos-'));
  const infra = await startInfra();
  const instances: Instance[] = [];
  const stream = `CHAOS_${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  try {
    const env = { databaseUrl: infra.databaseUrl, natsUrl: infra.nats.url, adminToken: generateSecret('opk'), stream, ackWaitSec: ACK_WAIT_SEC };
    instances.push(await startInstance('a', dir, env), await startInstance('b', dir, env));
    const [a, b] = instances as [Instance, Instance];
    const agents = await enrollAgents(a.origin, env.adminToken, options.agents);
    // Both instances serve the warm-up, so that the "before" gauges include their keep-alive connections.
    const load = new Load(agents, [a, b]);
    load.start();
    await sleep(3000);
    await load.pause();
    const before = await Promise.all(instances.map((i) => processGauges(i)));
    load.unpause();

    const outcomes: FaultOutcome[] = [];
    const rounds = options.short ? [[a, b]] : [[a], [a, b]];
    for (const serving of rounds) {
      load.serving = serving;
      for (const fault of options.faults) {
        await sleep(options.short ? SETTLE_MS.short : SETTLE_MS.full);
        options.log(`fault: ${FAULTS[fault].title} (${serving.length} instance(s) serving)`);
        const injected = performance.now() - started;
        await FAULTS[fault].inject(infra);
        const back = performance.now() - started;
        const readyAfterMs = await readinessRecovery(instances);
        options.log(`  every instance ready ${readyAfterMs === null ? 'NOT within 30 s' : `${readyAfterMs} ms`} after the dependency returned`);
        outcomes.push({ fault, serving: serving.length, readyAfterMs, atMs: [Math.round(injected), Math.round(back)] });
      }
    }
    await sleep(options.short ? SETTLE_MS.short : SETTLE_MS.full);
    await load.stop();
    options.log('load stopped; waiting for the pipeline to drain');
    const drained = await drain(infra, instances, stream);
    await sleep(1500);
    const after = await Promise.all(
      instances.map((i) => (i.alive() ? processGauges(i) : { rssBytes: Number.NaN, heapUsedBytes: Number.NaN, handles: Number.NaN, sockets: Number.NaN, queueDepth: Number.NaN, ackFloorPurged: Number.NaN })),
    );
    const stored = await checkStored(infra.databaseUrl, agents, load.base);
    const belowAckFloor = (await streamState(infra.nats.url, stream)).belowAckFloor;
    const purgedAfterMs = await purgedWithin(infra, stream, 25_000);
    const result: ChaosResult = {
      seconds: Math.round((performance.now() - started) / 1000),
      byStatus: Object.fromEntries([...load.tally.byStatus].sort()),
      serverErrors: load.tally.serverErrors,
      slowestMs: Math.round(load.tally.slowestMs),
      faults: outcomes,
      survived: Object.fromEntries(instances.map((i) => [i.name, i.exit() ?? 'alive'])),
      processes: instances.map((i, n) => ({ instance: i.name, before: before[n]!, after: after[n]! })),
      belowAckFloor,
      purgedAfterMs,
      ...stored,
      lostAckedAt: stored.lostAckedAt.map((t) => Math.round(t - started)),
      failures: [],
    };
    result.failures = judge(result, drained);
    return result;
  } finally {
    for (const i of instances) await stopInstance(i);
    await infra.close();
    if (options.keepLogs) options.log(`instance logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the consumer's backlog is 0 and every instance's queue gauge says so; false after 60 s. */
async function drain(infra: Infra, instances: Instance[], stream: string): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = await streamState(infra.nats.url, stream).catch(() => null);
    const gauges = await Promise.all(instances.map((i) => processGauges(i, false).catch(() => null)));
    if (state?.backlog === 0 && gauges.every((g) => g?.queueDepth === 0)) return true;
    await sleep(500);
  }
  return false;
}

/** Milliseconds until no message is left below the ack floor, or null after `limitMs`. */
async function purgedWithin(infra: Infra, stream: string, limitMs: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await streamState(infra.nats.url, stream)).belowAckFloor === 0) return Math.round(performance.now() - started);
    await sleep(500);
  }
  return null;
}

function judge(r: ChaosResult, drained: boolean): string[] {
  const failures: string[] = [];
  const count = (pred: (status: string) => boolean) => Object.entries(r.byStatus).reduce((n, [s, c]) => n + (pred(s) ? c : 0), 0);
  const fiveHundreds = count((s) => s === '500');
  if (fiveHundreds > 0) failures.push(`${fiveHundreds} × 500`);
  const unanswered = count((s) => s === 'unanswered');
  if (unanswered > 0) failures.push(`${unanswered} unanswered`);
  const otherBad = count((s) => s.startsWith('error:') || s === '503-without-retry-after' || (/^5\d\d$/.test(s) && s !== '500' && s !== '503'));
  if (otherBad > 0) failures.push(`${otherBad} other failures (connection errors, 5xx other than 503, 503 without Retry-After)`);
  if (r.lost > 0) failures.push(`${r.lost} acknowledged samples lost`);
  if (r.duplicated > 0) failures.push(`${r.duplicated} samples stored twice`);
  if (!drained) failures.push('the pipeline did not drain within 60 s');
  if (r.purgedAfterMs === null) failures.push(`messages below the ack floor not purged within 25 s`);
  for (const [name, state] of Object.entries(r.survived)) if (state !== 'alive') failures.push(`instance ${name} died (${state})`);
  for (const f of r.faults) if (f.readyAfterMs === null || f.readyAfterMs > 5000) failures.push(`${f.fault} (${f.serving} serving): ready after ${f.readyAfterMs ?? '> 30000'} ms`);
  for (const p of r.processes) {
    // Live heap after a full GC is the leak measure; RSS also holds pages V8 keeps after collecting (it
    // grows with the load's peak and is handed back lazily), so it is reported but judged only with the heap.
    const heapGrew = p.after.heapUsedBytes > p.before.heapUsedBytes * 1.1;
    if (heapGrew) failures.push(`${p.instance}: heap used after GC ${mb(p.before.heapUsedBytes)} → ${mb(p.after.heapUsedBytes)} MB (> +10%)`);
    if (heapGrew && p.after.rssBytes > p.before.rssBytes * 1.1) failures.push(`${p.instance}: RSS ${mb(p.before.rssBytes)} → ${mb(p.after.rssBytes)} MB (> +10%)`);
    if (p.after.handles > Math.max(p.before.handles * 1.1, p.before.handles + 1)) failures.push(`${p.instance}: handles ${p.before.handles} → ${p.after.handles} (> +10%)`);
  }
  return failures;
}

export const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
export { readiness };
