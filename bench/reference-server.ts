/**
 * The durable-ingest reference: the least a server on agentry's stack must do to accept the ingest scenario
 * honestly. Hono + better-sqlite3 in the time-series layout (series ids cached in memory, (series, ts, value)
 * rows WITHOUT ROWID, latest value once per series per batch), a SHA-256 of the agent key per request, a
 * typeof check per sample, group commit (the requests of FLUSH_MS, agentry's default ingest.flushIntervalMs,
 * in one transaction), a 202 after the commit, and WAL checkpoints in a worker thread as agentry does. No auth lookup, contract validation, per-sample rules or metrics: agentry's ingest
 * as a share of this is what its extra work costs. Started by bench/run.ts (PORT, DB_PATH, SYNCHRONOUS).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

const port = Number(process.env.PORT);
const FLUSH_MS = 2;
const path = process.env.DB_PATH ?? 'reference.db';
const db = new Database(path);
db.pragma('journal_mode = WAL');
// Checkpoints off the request thread, so that commits never wait for one (agentry: sqlite/checkpoint-worker.js).
db.pragma('wal_autocheckpoint = 0');
const checkpoints = `const db = new (require('better-sqlite3'))(${JSON.stringify(path)}, { timeout: 5000 });
  setInterval(() => { if (db.pragma('wal_checkpoint(PASSIVE)')[0].log > 50000) db.pragma('wal_checkpoint(RESTART)'); }, 250);`;
new Worker(checkpoints, { eval: true }).unref();
db.pragma(`synchronous = ${process.env.SYNCHRONOUS === 'normal' ? 'NORMAL' : 'FULL'}`);
db.exec(`create table if not exists series (id integer primary key, agent text not null, metric text not null, labels text not null, unique (agent, metric, labels));
  create table if not exists points (series integer not null, ts integer not null, value real not null, primary key (series, ts)) without rowid;
  create table if not exists latest (series integer primary key, ts integer not null, value real not null)`);
const findSeries = db.prepare<[string, string, string], { id: number }>('select id from series where agent = ? and metric = ? and labels = ?');
const addSeries = db.prepare<[string, string, string], { id: number }>('insert into series (agent, metric, labels) values (?, ?, ?) returning id');
const addPoint = db.prepare('insert into points values (?, ?, ?) on conflict do nothing');
const setLatest = db.prepare('insert into latest values (?, ?, ?) on conflict (series) do update set ts = excluded.ts, value = excluded.value where excluded.ts > latest.ts');
const seriesIds = new Map<string, number>();

interface Sample {
  metric: string;
  value: number;
  ts: string;
  labels?: Record<string, string>;
}
let queue: { agent: string; samples: Sample[]; done: (ok: boolean) => void }[] = [];

const commit = db.transaction((batch: typeof queue) => {
  const newest = new Map<number, [number, number]>();
  for (const { agent, samples } of batch) {
    for (const s of samples) {
      const labels = JSON.stringify(s.labels ?? {});
      const key = `${agent}\u0000${s.metric}\u0000${labels}`;
      let id = seriesIds.get(key);
      if (id === undefined) {
        id = (findSeries.get(agent, s.metric, labels) ?? addSeries.get(agent, s.metric, labels))!.id;
        seriesIds.set(key, id);
      }
      const ts = Date.parse(s.ts);
      addPoint.run(id, ts, s.value);
      const seen = newest.get(id);
      if (!seen || ts > seen[0]) newest.set(id, [ts, s.value]);
    }
  }
  for (const [id, [ts, value]] of newest) setLatest.run(id, ts, value);
});

function flush(): void {
  const batch = queue;
  queue = [];
  let ok = true;
  try {
    commit(batch);
  } catch (err) {
    console.error(err);
    ok = false;
  }
  for (const r of batch) r.done(ok);
}

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/api/v1/agent/:id/inventory', async (c) => {
  const key = c.req.header('x-agent-api-key');
  if (!key) return c.json({ error: 'no key' }, 401);
  // The key's hash stands for the agent (agentry looks the hash up; the reference only pays for computing it).
  const agent = createHash('sha256').update(key).digest('base64url');
  const body = await c.req.json<{ samples?: Sample[] }>();
  const samples = body.samples ?? [];
  for (const s of samples) if (typeof s.metric !== 'string' || typeof s.value !== 'number' || typeof s.ts !== 'string') return c.json({ error: 'bad sample' }, 400);
  if (queue.length === 0) setTimeout(flush, FLUSH_MS);
  if (!(await new Promise<boolean>((done) => queue.push({ agent, samples, done })))) return c.json({ error: 'write failed' }, 503);
  return c.json({ accepted: samples.length, rejected: [], snapshot: 'none' }, 202);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => console.log(`reference server listening on 127.0.0.1:${info.port}`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
