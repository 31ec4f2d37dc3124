/**
 * Crash safety of ingestion: the real server (a child process) takes sample batches from ~32 concurrent
 * agents' loops, is killed with SIGKILL mid-stream, restarted on the same database, and then every sample
 * whose request got a 202 must be stored, exactly once — on SQLite and Postgres (202 after the batcher's
 * group commit) and on Postgres with NATS (202 after the JetStream ack; the durable consumer writes after
 * the restart, redelivering what the killed instance had not acked).
 *
 * Requests in flight at the kill are unacknowledged: they may or may not be stored, so only bounds are
 * asserted for them. The exact checks are made against the database itself and through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { canonicalLabels } from '../../src/services/ingest/prepare.ts';
import { generateSecret } from '../../src/services/secrets.ts';
import { alive, runCli, waitServing, type CliProcess } from '../helpers/cli.ts';
import { deleteStream, readSamples, type StoredSample, streamMessages, warnings } from '../helpers/ingest-crash-checks.ts';
import { freePort } from '../helpers/ports.ts';
import { freshDatabaseUrl, type Dialect } from '../helpers/server.ts';

const pgUrl = inject('pgUrl');
const natsUrl = inject('natsUrl');

interface Variant {
  name: string;
  dialect: Dialect;
  nats: boolean;
}

// Global setup fails CI when Postgres or NATS is missing, so these conditions only skip locally.
const variants: Variant[] = [
  { name: 'sqlite', dialect: 'sqlite', nats: false },
  ...(pgUrl ? [{ name: 'postgres', dialect: 'postgres' as const, nats: false }] : []),
  ...(pgUrl && natsUrl ? [{ name: 'postgres + NATS', dialect: 'postgres' as const, nats: true }] : []),
];

const AGENTS = 20;
/** Agents with one loop each that stops before the kill, so that every one of their requests has an answer. */
const QUIET_AGENTS = 4;
const LOOPS = 32;
const SAMPLES_PER_REQUEST = 10;
const METRIC = 'crash.load';
const MIN_LOAD_MS = 1200;
const QUIET_STOP_MS = 500;
const MIN_ACKED_REQUESTS = 300;
/**
 * After the restart, how long acknowledged samples may take to appear. With NATS, messages the killed
 * instance had received but not acked are redelivered only when the consumer's ack wait runs out (counted
 * from the delivery); the test sets it to ACK_WAIT_SEC instead of the default 30 s.
 */
const ACK_WAIT_SEC = 3;
const SETTLE_MS = { batcher: 15_000, nats: 20_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadAgent {
  index: number;
  id: string;
  key: string;
  quiet: boolean;
  nextSeq: number;
  /** Every request sent, by its sequence number (= ts offset from `base`). */
  sent: number[];
  acked: Set<number>;
  refused: Set<number>;
  failed: Set<number>;
}

/** The identity of a sample as the storage keys it: agent, metric, ts (ms), canonical labels. */
const identity = (agentId: string, metric: string, tsMs: number, labelsKey: string) => `${agentId}|${metric}|${tsMs}|${labelsKey}`;
const labelsOf = (k: number) => ({ core: String(k) });
const sampleValue = (seq: number, k: number) => seq * SAMPLES_PER_REQUEST + k;

describe.each(variants)('ingestion survives SIGKILL mid-stream on $name', (variant) => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('stores every sample answered 202 exactly once after a restart', async () => {
    const started = performance.now();
    const cwd = mkdtempSync(join(tmpdir(), 'agentry-crash-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    const db = await freshDatabaseUrl(variant.dialect);
    cleanups.push(db.cleanup);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const adminToken = generateSecret('opk');
    const stream = `CRASH_${Math.random().toString(36).slice(2, 10)}`;
    const env: Record<string, string> = {
      AGENTRY_DATABASE_URL: db.url,
      AGENTRY_SERVER_HOST: '127.0.0.1',
      AGENTRY_SERVER_PORT: String(port),
      AGENTRY_ADMIN_TOKEN: adminToken,
      AGENTRY_RATE_LIMITS_ENABLED: 'false',
      AGENTRY_LOG_LEVEL: 'warn',
      AGENTRY_LOG_REQUESTS: 'false',
      ...(variant.nats
        ? { AGENTRY_NATS_URL: natsUrl!, AGENTRY_INGEST_STREAM_NAME: stream, AGENTRY_INGEST_STREAM_MAX_BYTES: String(32 * 1024 * 1024), AGENTRY_INGEST_STREAM_ACK_WAIT_SEC: String(ACK_WAIT_SEC) }
        : {}),
    };
    if (variant.nats) cleanups.push(() => deleteStream(natsUrl!, stream));
    const processes: CliProcess[] = [];
    cleanups.push(async () => {
      for (const p of processes) if (alive(p)) p.child.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
    });
    const serve = async () => {
      const p = runCli(['serve'], { cwd, env });
      processes.push(p);
      await waitServing(p, `${origin}/healthz`);
      return p;
    };

    // 1. The server, and a fleet enrolled the way real agents enroll.
    const first = await serve();
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const secretRes = await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'crash' }) });
    expect(secretRes.status).toBe(201);
    const { secret } = (await secretRes.json()) as { secret: string };
    const agents: LoadAgent[] = await Promise.all(
      Array.from({ length: AGENTS }, async (_, index) => {
        const res = await fetch(`${origin}/api/v1/agent/enroll`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ enrollSecret: secret, hostname: `crash-${index}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0' }),
        });
        expect(res.status).toBe(201);
        const { agentId, apiKey } = (await res.json()) as { agentId: string; apiKey: string };
        return { index, id: agentId, key: apiKey, quiet: index < QUIET_AGENTS, nextSeq: 0, sent: [], acked: new Set<number>(), refused: new Set<number>(), failed: new Set<number>() };
      }),
    );

    // 2. Load: each request carries 10 samples of distinct identity (ts = base + seq, labels core=0..9).
    const base = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    const unexpected: string[] = [];
    let stopping = false;
    let killed = false;
    const loop = async (agent: LoadAgent, stopAt: () => boolean) => {
      while (!stopAt()) {
        const seq = agent.nextSeq++;
        agent.sent.push(seq);
        const ts = new Date(base + seq).toISOString();
        const samples = Array.from({ length: SAMPLES_PER_REQUEST }, (_, k) => ({ metric: METRIC, value: sampleValue(seq, k), ts, labels: labelsOf(k) }));
        let res: Response;
        try {
          res = await fetch(`${origin}/api/v1/agent/${agent.id}/inventory`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.key },
            body: JSON.stringify({ samples }),
          });
        } catch (err) {
          agent.failed.add(seq);
          if (!killed) unexpected.push(`agent ${agent.index} seq ${seq}: request failed before the kill: ${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`);
          continue;
        }
        if (res.status === 202) {
          // The status alone is the acknowledgement: the server answers only once the samples are durable.
          agent.acked.add(seq);
          const body = (await res.json().catch(() => null)) as { accepted: number; rejected: unknown[]; snapshot: string } | null;
          if (body && (body.accepted !== SAMPLES_PER_REQUEST || body.rejected.length !== 0 || body.snapshot !== 'none')) {
            unexpected.push(`agent ${agent.index} seq ${seq}: 202 with ${JSON.stringify(body)}`);
          }
        } else if (res.status === 503) {
          agent.refused.add(seq);
          const text = await res.text().catch(() => '');
          if (!res.headers.get('retry-after')) unexpected.push(`agent ${agent.index} seq ${seq}: 503 without Retry-After: ${text}`);
          await sleep(50);
        } else {
          agent.failed.add(seq);
          unexpected.push(`agent ${agent.index} seq ${seq}: ${res.status} ${await res.text().catch(() => '')}`);
        }
      }
    };
    const quiet = agents.filter((a) => a.quiet);
    const busy = agents.filter((a) => !a.quiet);
    const loadStart = performance.now();
    const quietLoops = quiet.map((a) => loop(a, () => stopping || performance.now() - loadStart > QUIET_STOP_MS));
    const busyLoops = Array.from({ length: LOOPS - quiet.length }, (_, i) => loop(busy[i % busy.length]!, () => stopping));
    const ackedRequests = () => agents.reduce((n, a) => n + a.acked.size, 0);
    while ((performance.now() - loadStart < MIN_LOAD_MS || ackedRequests() < MIN_ACKED_REQUESTS) && performance.now() - loadStart < 15_000 && alive(first)) await sleep(20);
    await Promise.all(quietLoops);
    expect(alive(first), `the server died under load:\n${first.stderr()}\n${first.stdout()}`).toBe(true);
    stopping = true;
    killed = true;
    first.child.kill('SIGKILL');
    const loadMs = performance.now() - loadStart;
    await Promise.all(busyLoops);
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');

    const sentRequests = agents.reduce((n, a) => n + a.sent.length, 0);
    const acked = ackedRequests();
    const refused = agents.reduce((n, a) => n + a.refused.size, 0);
    const failed = agents.reduce((n, a) => n + a.failed.size, 0);
    expect(unexpected).toEqual([]);
    expect(acked).toBeGreaterThanOrEqual(MIN_ACKED_REQUESTS);
    // Only the requests in flight at the kill may lack an answer: at most one per loop.
    expect(failed).toBeLessThanOrEqual(LOOPS);

    const sentIds = new Map<string, { agent: LoadAgent; seq: number; k: number }>();
    const ackedIds: string[] = [];
    for (const a of agents) {
      for (const seq of a.sent) {
        for (let k = 0; k < SAMPLES_PER_REQUEST; k++) {
          const id = identity(a.id, METRIC, base + seq, canonicalLabels(labelsOf(k)));
          sentIds.set(id, { agent: a, seq, k });
          if (a.acked.has(seq)) ackedIds.push(id);
        }
      }
    }
    expect(sentIds.size).toBe(sentRequests * SAMPLES_PER_REQUEST);

    // What the database held at the kill: with the batcher every acknowledged sample must already be
    // there; with NATS the rest is still in the stream.
    const atKill = await readSamples(db.url);
    const atKillIds = new Set(atKill.rows.map((r) => identity(r.agentId, r.metric, r.tsMs, r.labelsKey)));
    const ackedNotYetWritten = ackedIds.filter((id) => !atKillIds.has(id)).length;
    if (!variant.nats) expect(ackedNotYetWritten, 'acknowledged samples not in the database at the kill').toBe(0);

    // 3. Restart on the same database; wait until every acknowledged sample is there (and, with NATS,
    // until the stream is drained: everything redelivered has been written and acked).
    const second = await serve();
    const restartedAt = performance.now();
    const deadline = restartedAt + (variant.nats ? SETTLE_MS.nats : SETTLE_MS.batcher);
    let stored = await readSamples(db.url);
    let missing: string[] = [];
    let pending = 0;
    let allAckedAt: number | null = null;
    for (;;) {
      const present = new Set(stored.rows.map((r) => identity(r.agentId, r.metric, r.tsMs, r.labelsKey)));
      missing = ackedIds.filter((id) => !present.has(id));
      if (missing.length === 0) allAckedAt ??= performance.now() - restartedAt;
      pending = variant.nats ? await streamMessages(natsUrl!, stream) : 0;
      if ((missing.length === 0 && pending === 0) || performance.now() > deadline) break;
      await sleep(250);
      stored = await readSamples(db.url);
    }
    // Read once more after the stream is drained, so that the checks below see the final state.
    stored = await readSamples(db.url);

    // 4. Every acknowledged sample is stored, nothing is stored twice, nothing was invented.
    const missingReport = missing.slice(0, 10).map((id) => {
      const s = sentIds.get(id)!;
      return `agent ${s.agent.index} seq ${s.seq} core ${s.k}`;
    });
    expect(missingReport, `${missing.length} of ${ackedIds.length} acknowledged samples missing after restart`).toEqual([]);
    if (variant.nats) expect(pending, 'messages left in the stream').toBe(0);
    expect(stored.total).toBe(stored.distinct);
    const perAgent = new Map<string, StoredSample[]>();
    const foreign: StoredSample[] = [];
    const seen = new Set<string>();
    for (const r of stored.rows) {
      const id = identity(r.agentId, r.metric, r.tsMs, r.labelsKey);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      const s = sentIds.get(id);
      if (!s) {
        foreign.push(r);
        continue;
      }
      expect(r.value).toBe(sampleValue(s.seq, s.k));
      const list = perAgent.get(r.agentId);
      if (list) list.push(r);
      else perAgent.set(r.agentId, [r]);
    }
    expect(foreign).toEqual([]);

    for (const a of agents) {
      const rows = perAgent.get(a.id) ?? [];
      const ackedSamples = a.acked.size * SAMPLES_PER_REQUEST;
      const sentSamples = a.sent.length * SAMPLES_PER_REQUEST;
      expect(rows.length).toBeGreaterThanOrEqual(ackedSamples);
      expect(rows.length).toBeLessThanOrEqual(sentSamples);
      // Every request of this agent got its 202: the database holds exactly what was sent, once.
      if (a.acked.size === a.sent.length) expect(rows.length, `agent ${a.index} (all requests acknowledged)`).toBe(sentSamples);

      // Through the API: the range read counts the same samples, and the latest value of each series is
      // its newest stored sample.
      const from = new Date(base - 1000).toISOString();
      const to = new Date(base + a.nextSeq + 1000).toISOString();
      const rangeRes = await fetch(`${origin}/api/v1/agents/${a.id}/telemetry?${new URLSearchParams({ metric: METRIC, from, to, step: '3600', agg: 'max' })}`, { headers: admin });
      expect(rangeRes.status).toBe(200);
      const range = (await rangeRes.json()) as { points: { ts: string; value: number; count: number }[] };
      expect(
        range.points.reduce((n, p) => n + p.count, 0),
        `agent ${a.index}: samples counted by the API`,
      ).toBe(rows.length);
      const latestRes = await fetch(`${origin}/api/v1/agents/${a.id}/telemetry/latest`, { headers: admin });
      expect(latestRes.status).toBe(200);
      const latest = (await latestRes.json()) as { agentId: string; items: { metric: string; labels: Record<string, string>; value: number; ts: string }[] };
      expect(latest.agentId).toBe(a.id);
      const newest = new Map<string, number>();
      for (const r of rows) newest.set(r.labelsKey, Math.max(newest.get(r.labelsKey) ?? -Infinity, r.tsMs));
      const expected = [...newest].map(([labelsKey, tsMs]) => {
        const k = Number((JSON.parse(labelsKey) as [string, string][])[0]![1]);
        return { metric: METRIC, labels: labelsOf(k), value: sampleValue(tsMs - base, k), ts: new Date(tsMs).toISOString() };
      });
      const byCore = (x: { labels: Record<string, string> }, y: { labels: Record<string, string> }) => Number(x.labels.core) - Number(y.labels.core);
      expect([...latest.items].sort(byCore), `agent ${a.index}: latest values`).toEqual(expected.sort(byCore));
      if (a.acked.size > 0) {
        const lastAcked = Math.max(...a.acked);
        for (const item of latest.items) expect(Date.parse(item.ts)).toBeGreaterThanOrEqual(base + lastAcked);
      }
    }
    const quietAllAcked = quiet.filter((a) => a.acked.size === a.sent.length).length;
    // The restarted instance's own account: rows it wrote in batches vs rows newly stored (the difference
    // is redelivered samples that were already stored, skipped by the idempotent write).
    const metricsText = await (await fetch(`${origin}/metrics`, { headers: admin })).text();
    const metric = (re: RegExp) => Number(re.exec(metricsText)?.[1] ?? 0);
    const rowsInBatches = metric(/^ingest_batch_rows_sum(?:\{[^}]*\})? (\S+)$/m);
    const rowsNew = metric(/^ingest_rows_persisted_total\{[^}]*kind="sample"[^}]*\} (\S+)$/m);
    if (!variant.nats) expect(stored.total, 'samples appearing after a restart without NATS').toBe(atKill.total);
    expect(rowsNew, 'samples the restarted instance reports as newly stored').toBe(stored.total - atKill.total);

    // 5. A clean stop.
    const log = [...warnings(first), ...warnings(second)];
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    console.log(
      `[ingest-crash ${variant.name}] load ${Math.round(loadMs)} ms: ${sentRequests} requests sent, ${acked} acknowledged (202), ${refused} refused (503), ` +
        `${failed} unanswered at the kill; ${ackedIds.length} acknowledged samples all stored, ${stored.total} samples stored in all ` +
        `(${stored.total - ackedIds.length} from unanswered requests); at the kill ${atKill.total} stored, ${ackedNotYetWritten} acknowledged ones not yet written; ` +
        `after the restart ${rowsInBatches} rows written in batches, ${rowsNew} newly stored; ${quietAllAcked}/${quiet.length} quiet agents fully acknowledged and exact; ` +
        `all acknowledged samples present ${allAckedAt === null ? '—' : Math.round(allAckedAt)} ms after the restart; ` +
        `total ${Math.round(performance.now() - started)} ms` +
        (log.length > 0 ? `\n  server warnings/errors (${log.length}):\n  ${log.slice(0, 20).join('\n  ')}` : ''),
    );
  }, 120_000);
});
