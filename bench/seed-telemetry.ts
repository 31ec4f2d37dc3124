/**
 * Bulk-loads telemetry (a series row per agent + metric, then its points) straight into the database,
 * bypassing the API, so that range queries run
 * against a large table. The shape is realistic per series: one agent + metric over one UTC day at a 10 s
 * interval is 8640 rows; 10M rows are ~1158 such series (116 agents × 10 metrics). The day is three days
 * ago, away from what the ingest scenario writes, inside the retention and the 7-day ingest window.
 *
 * Rows are generated inside the database (a recursive CTE on SQLite, generate_series on Postgres) in
 * primary-key order, so the key index only ever grows at its end (on Postgres the day's partition gets its
 * key after the load, then is attached).
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { pool } from './fleet.ts';

export const SEED_METRICS = [
  'cpu.usage_percent',
  'disk.read_bytes',
  'disk.write_bytes',
  'fs.used_bytes',
  'load.avg_1m',
  'memory.available_bytes',
  'memory.used_bytes',
  'net.rx_bytes',
  'net.tx_bytes',
  'procs.running',
];
const INTERVAL_MS = 10_000;
const POINTS_PER_DAY = 86_400_000 / INTERVAL_MS;

export interface SeedSeries {
  agentId: string;
  metric: string;
  points: number;
}

export interface SeedPlan {
  /** UTC midnight of the seeded day. */
  day: Date;
  rows: number;
  series: SeedSeries[];
}

/** Spreads `rows` over whole days of series: agents (in id order) × SEED_METRICS, the last series possibly shorter. */
export function planSeed(rows: number, agentIds: readonly string[], now = Date.now()): SeedPlan {
  const day = new Date(Math.floor(now / 86_400_000) * 86_400_000 - 3 * 86_400_000);
  const count = Math.ceil(rows / POINTS_PER_DAY);
  const agents = Math.ceil(count / SEED_METRICS.length);
  if (agents > agentIds.length) throw new Error(`${rows} rows need ${agents} agents, only ${agentIds.length} enrolled`);
  const ids = agentIds.slice(0, agents).sort();
  const series = Array.from({ length: count }, (_, s) => ({
    agentId: ids[Math.floor(s / SEED_METRICS.length)]!,
    metric: SEED_METRICS[s % SEED_METRICS.length]!,
    points: s === count - 1 ? rows - s * POINTS_PER_DAY : POINTS_PER_DAY,
  }));
  return { day, rows, series };
}

export interface SeedResult {
  rows: number;
  seconds: number;
  /** Statistics / checkpoint after the load (not counted in `seconds`). */
  afterSeconds: number;
}

export async function seedTelemetry(databaseUrl: string, plan: SeedPlan): Promise<SeedResult> {
  return databaseUrl.startsWith('sqlite:') ? seedSqlite(databaseUrl.slice('sqlite:'.length), plan) : seedPostgres(databaseUrl, plan);
}

/**
 * One INSERT … SELECT from a recursive CTE per series, ~500k rows per transaction: agentry keeps running
 * (WAL: its readers are not blocked) and its occasional background write waits for at most one transaction.
 */
function seedSqlite(path: string, plan: SeedPlan): SeedResult {
  const db = new Database(path, { timeout: 30_000 });
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const tenantOf = db.prepare<[string], { tenant_id: string }>('select tenant_id from agents where id = ?');
    const series = db.prepare<[string, string, string], { id: number }>(
      `insert into telemetry_series (tenant_id, agent_id, metric, labels_key, labels) values (?, ?, ?, '', '{}')
       on conflict (tenant_id, agent_id, metric, labels_key) do update set labels = excluded.labels returning id`,
    );
    const insert = db.prepare(
      `with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < @points)
       insert into telemetry_points (series_id, ts, value)
       select @series, @t0 + i * ${INTERVAL_MS}, 50 + ((i * 7919) % 5000) / 100.0 from s`,
    );
    const tenants = new Map<string, string>();
    const tenant = (agentId: string) => {
      let t = tenants.get(agentId);
      if (!t) {
        t = tenantOf.get(agentId)?.tenant_id ?? fail(`agent ${agentId} is not in the agents table`);
        tenants.set(agentId, t);
      }
      return t;
    };
    const chunk = db.transaction((list: SeedSeries[]) => {
      for (const s of list) insert.run({ points: s.points, series: series.get(tenant(s.agentId), s.agentId, s.metric)!.id, t0: plan.day.getTime() });
    });
    const started = performance.now();
    const perTx = Math.max(1, Math.floor(500_000 / POINTS_PER_DAY));
    for (let i = 0; i < plan.series.length; i += perTx) chunk(plan.series.slice(i, i + perTx));
    const seconds = (performance.now() - started) / 1000;
    const after = performance.now();
    db.pragma('wal_checkpoint(PASSIVE)');
    return { rows: plan.rows, seconds, afterSeconds: (performance.now() - after) / 1000 };
  } finally {
    db.close();
  }
}

const dayName = (d: Date) => d.toISOString().slice(0, 10);

/**
 * With native partitioning and no partition for the day yet (the server prepares yesterday onwards), the
 * fast path: the day's table is filled without an index, gets its primary key in one sorted build, and is
 * attached as the day's partition. Otherwise (partition exists, TimescaleDB, plain table) rows go through
 * the parent. Either way the series rows first, then one INSERT … SELECT from generate_series per agent,
 * two sessions at once.
 */
async function seedPostgres(url: string, plan: SeedPlan): Promise<SeedResult> {
  const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { synchronous_commit: 'off', maintenance_work_mem: '512MB' } });
  try {
    const lo = plan.day.getTime();
    const hi = lo + 86_400_000;
    const name = `telemetry_points_p${dayName(plan.day).replaceAll('-', '')}`;
    const [state] = await sql`select exists (select 1 from pg_partitioned_table where partrelid = 'telemetry_points'::regclass) as partitioned, to_regclass(${name}) is not null as exists`;
    const attach = state?.partitioned === true && state.exists === false;
    const target = attach ? name : 'telemetry_points';
    const agents = [...new Set(plan.series.map((s) => s.agentId))];
    const tenants = new Map((await sql<{ id: string; tenant_id: string }[]>`select id::text, tenant_id::text from agents where id = any(${agents}::uuid[])`).map((r) => [r.id, r.tenant_id]));
    const tenantOf = (agentId: string) => tenants.get(agentId) ?? fail(`agent ${agentId} is not in the agents table`);
    const started = performance.now();
    const ids = await sql<{ id: number; agent_id: string; metric: string }[]>`
      insert into telemetry_series (tenant_id, agent_id, metric, labels_key, labels)
      select t, a, m, '', '{}'::jsonb from unnest(${plan.series.map((s) => tenantOf(s.agentId))}::uuid[], ${plan.series.map((s) => s.agentId)}::uuid[], ${plan.series.map((s) => s.metric)}::text[]) as u(t, a, m)
      on conflict (tenant_id, agent_id, metric, labels_key) do update set labels = excluded.labels
      returning id, agent_id::text, metric`;
    const seriesId = new Map(ids.map((r) => [`${r.agent_id}/${r.metric}`, r.id]));
    if (attach) await sql.unsafe(`create table ${name} (like telemetry_points including defaults)`);
    await pool(agents.length, 2, async (a) => {
      const series = plan.series.filter((s) => s.agentId === agents[a]);
      await sql`
        insert into ${sql(target)} (series_id, ts, value)
        select m.series_id, ${lo}::int8 + s.i * ${INTERVAL_MS}::int8, 50 + ((s.i * 7919) % 5000) / 100.0
        from unnest(${series.map((s) => seriesId.get(`${s.agentId}/${s.metric}`)!)}::int[], ${series.map((s) => s.points)}::int[]) as m(series_id, points)
        cross join lateral generate_series(0, m.points - 1) as s(i)
        order by m.series_id, s.i`;
    });
    if (attach) {
      // Named like the key CREATE … PARTITION OF would make; ATTACH adopts it as the partition of the parent's key.
      await sql.unsafe(`alter table ${name} add constraint ${name}_pkey primary key (series_id, ts)`);
      await sql.unsafe(`alter table telemetry_points attach partition ${name} for values from (${lo}) to (${hi})`);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = performance.now();
    await sql.unsafe(`analyze ${attach ? name : 'telemetry_points'}`);
    await sql.unsafe('analyze telemetry_series');
    return { rows: plan.rows, seconds, afterSeconds: (performance.now() - after) / 1000 };
  } finally {
    await sql.end();
  }
}

function fail(message: string): never {
  throw new Error(message);
}
