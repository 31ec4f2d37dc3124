/**
 * Telemetry reads and storage maintenance on Postgres, in the time-series layout: telemetry_series names each
 * agent + metric + labels by an integer; telemetry_points holds (series_id, ts as epoch ms, value). Migration
 * 0012 made telemetry_points either a TimescaleDB hypertable (integer time, daily chunks) or a table
 * partitioned by range of ts with a DEFAULT partition; storageMode()
 * tells which from the catalogs. With native partitions, prepare() creates the daily partitions ahead and
 * prune() drops whole days; rows that landed in the default partition (no partition for their day yet) are
 * moved into their day's partition when it is created, and deleted by age.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { LatestSample, TelemetryAggregate, TelemetryPoint, TelemetryRangeQuery, TelemetryStorageMode, TelemetryStorageStats } from '../../domain/telemetry.ts';
import type { TelemetryRepository } from '../ports/telemetry.ts';
import { checkRange, DAY_MS, partitionDay, partitionName, toPoint, utcDays } from '../shared/telemetry.ts';
import { affected } from './affected.ts';
import type { PgDb, PgPool } from './db.ts';
import type { PgTx } from './transaction.ts';

/** Serialises partition maintenance (prepare, prune) across instances. */
const PARTITION_LOCK = 7_346_210_002;

/**
 * How long partition DDL may wait for its table lock. While it waits, every later query on the table
 * queues behind it, so the wait is kept short: a maintenance call that times out fails and is retried later.
 */
const DDL_LOCK_TIMEOUT = '5s';

const DEFAULT_PARTITION = 'telemetry_points_default';

const AGGREGATE: Record<TelemetryAggregate, SQL> = {
  avg: sql`avg(value)`,
  min: sql`min(value)`,
  max: sql`max(value)`,
  last: sql`(array_agg(value order by ts desc))[1]`,
};

/** Epoch ms as a SQL bigint. */
const ms = (d: Date) => sql`${d.getTime()}::int8`;

export class PgTelemetryRepository implements TelemetryRepository {
  private readonly pool: PgPool;
  /** The storage mode is fixed by the migrations, so it is looked up once. */
  private mode: TelemetryStorageMode | undefined;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  async range(q: TelemetryRangeQuery): Promise<TelemetryPoint[]> {
    if (!checkRange(q)) return [];
    // bucket = from + ⌊(ts − from) / step⌋ × step in integer arithmetic (ts ≥ from, so division truncates down).
    const from = ms(q.from);
    const step = sql`${q.stepMs}::int8`;
    return this.pool.run(async (db) => {
      const rows = await db.execute<{ bucket: number; value: number; count: number }>(sql`
        select (${from} + ((ts - ${from}) / ${step}) * ${step})::float8 as bucket, ${AGGREGATE[q.agg]} as value, count(*)::int as count
        from telemetry_points
        where series_id in (select id from telemetry_series where tenant_id = ${q.tenantId}::uuid and agent_id = ${q.agentId}::uuid and metric = ${q.metric})
          and ts >= ${from} and ts < ${ms(q.to)}
        group by 1 order by 1`);
      return rows.map(toPoint);
    });
  }

  latest(tenantId: string, agentId: string): Promise<LatestSample[]> {
    return this.pool.run(async (db) => {
      const rows = await db.execute<{ metric: string; labels: Record<string, string>; value: number; ts: number }>(sql`
        select s.metric, s.labels, l.value, l.ts::float8 as ts from telemetry_series s join telemetry_series_latest l on l.series_id = s.id
        where s.tenant_id = ${tenantId}::uuid and s.agent_id = ${agentId}::uuid order by s.metric, s.labels_key`);
      return rows.map((r) => ({ metric: r.metric, labels: r.labels, value: r.value, ts: new Date(r.ts) }));
    });
  }

  /** pg_partitioned_table lists natively partitioned tables; a hypertable is a TimescaleDB catalog entry (asked only when the extension is installed). */
  async storageMode(): Promise<TelemetryStorageMode> {
    if (this.mode) return this.mode;
    this.mode = await this.pool.run(async (db): Promise<TelemetryStorageMode> => {
      const [row] = await db.execute<{ partitioned: boolean; timescale: boolean }>(sql`
        select exists (select 1 from pg_partitioned_table where partrelid = to_regclass('telemetry_points')) as partitioned,
               exists (select 1 from pg_extension where extname = 'timescaledb') as timescale`);
      if (row?.partitioned) return 'partitions';
      if (row?.timescale) {
        const [ht] = await db.execute<{ hypertable: boolean }>(sql`select exists (select 1 from timescaledb_information.hypertables where hypertable_name = 'telemetry_points') as hypertable`);
        if (ht?.hypertable) return 'timescaledb';
      }
      return 'table';
    });
    return this.mode;
  }

  /**
   * Partitions and hypertable chunks are both children of telemetry_points in pg_inherits. Rows are the
   * statistics' live tuples (kept by the inserts and deletes themselves, reported within about a second).
   */
  async storageStats(): Promise<TelemetryStorageStats> {
    const mode = await this.storageMode();
    const [row] = await this.pool.run((db) =>
      db.execute<{ partitions: number; rows: string }>(sql`
        with parts as (select inhrelid as relid from pg_inherits where inhparent = to_regclass('telemetry_points'))
        select (select count(*) from parts)::int as partitions,
               coalesce((select sum(n_live_tup) from pg_stat_all_tables where relid = to_regclass('telemetry_points') or relid in (select relid from parts)), 0)::text as rows`),
    );
    return { mode, partitions: row?.partitions ?? 0, rows: Number(row?.rows ?? 0) };
  }

  /**
   * Creates the missing daily partitions from the day of `from` through the day of `until`, each in its own
   * short transaction under the maintenance lock. Existing partitions cost one catalog lookup each, so this is
   * cheap to call often and safe to call from several instances at once.
   */
  async prepare(from: Date, until: Date): Promise<string[]> {
    if ((await this.storageMode()) !== 'partitions') return [];
    const created: string[] = [];
    for (const day of utcDays(from, until)) {
      const name = partitionName(day);
      if (await this.pool.run((db) => relationExists(db, name))) continue;
      const did = await this.pool.run((db) => db.transaction((tx) => createPartition(tx, name, day)));
      if (did) created.push(name);
    }
    return created;
  }

  async prune(cutoff: Date): Promise<string[]> {
    const mode = await this.storageMode();
    const done: string[] = [];
    if (mode === 'timescaledb') {
      const chunks = await this.pool.run((db) => db.execute<{ chunk: string }>(sql`select drop_chunks('telemetry_points', older_than => ${ms(cutoff)})::text as chunk`));
      done.push(...chunks.map((c) => c.chunk));
    } else if (mode === 'partitions') {
      const partitions = await this.pool.run((db) =>
        db.execute<{ name: string }>(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass('telemetry_points') order by 1`),
      );
      for (const { name } of partitions) {
        const day = partitionDay(name);
        if (!day || day.getTime() + DAY_MS > cutoff.getTime()) continue;
        const dropped = await this.pool.run((db) => db.transaction((tx) => dropPartition(tx, name)));
        if (dropped) done.push(name);
      }
      const rows = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_points_default where ts < ${ms(cutoff)}`)));
      if (rows > 0) done.push(`${rows} rows from ${DEFAULT_PARTITION}`);
    } else {
      const rows = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_points where ts < ${ms(cutoff)}`)));
      if (rows > 0) done.push(`${rows} rows from telemetry_points`);
    }
    const latest = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_series_latest where ts < ${ms(cutoff)}`)));
    if (latest > 0) done.push(`${latest} rows from telemetry_series_latest`);
    return done;
  }
}

/**
 * Reads pg_class with the statement's snapshot rather than through the catalog caches (to_regclass): after
 * waiting for the maintenance lock, those may not yet know of a table another instance just created.
 */
async function relationExists(db: PgDb | PgTx, name: string): Promise<boolean> {
  const [row] = await db.execute<{ exists: boolean }>(
    sql`select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = ${name} and n.nspname = current_schema()) as exists`,
  );
  return row?.exists === true;
}

async function maintenanceLock(tx: PgTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
  await tx.execute(sql.raw(`set local lock_timeout = '${DDL_LOCK_TIMEOUT}'`));
}

/**
 * Creates the partition for one day. Rows of that day already in the default partition (written before the
 * partition existed) would make CREATE … PARTITION OF fail, so they are moved: out of the default partition
 * into a temporary table, then into the new partition, all in this transaction. The parent is locked first
 * (ONLY: its partitions are not locked one by one), so no insert can put another row of that day into the
 * default partition meanwhile; inserts take the parent's lock before a partition's, so this order cannot deadlock.
 */
async function createPartition(tx: PgTx, name: string, day: Date): Promise<boolean> {
  await maintenanceLock(tx);
  if (await relationExists(tx, name)) return false;
  const lo = day.getTime();
  const hi = lo + DAY_MS;
  await tx.execute(sql`lock table only telemetry_points in access exclusive mode`);
  const [stray] = await tx.execute<{ any: boolean }>(sql`select exists (select 1 from telemetry_points_default where ts >= ${lo}::int8 and ts < ${hi}::int8) as any`);
  // Names come from partitionName() (letters, digits, '_'); bounds are integers.
  const bounds = `for values from (${lo}) to (${hi})`;
  if (!stray?.any) {
    await tx.execute(sql.raw(`create table ${name} partition of telemetry_points ${bounds}`));
    return true;
  }
  await tx.execute(sql`create temporary table telemetry_points_moving (like telemetry_points) on commit drop`);
  await tx.execute(sql`
    with moved as (delete from telemetry_points_default where ts >= ${lo}::int8 and ts < ${hi}::int8 returning *)
    insert into telemetry_points_moving select * from moved`);
  await tx.execute(sql.raw(`create table ${name} partition of telemetry_points ${bounds}`));
  await tx.execute(sql.raw(`insert into ${name} select * from telemetry_points_moving`));
  return true;
}

async function dropPartition(tx: PgTx, name: string): Promise<boolean> {
  await maintenanceLock(tx);
  if (!(await relationExists(tx, name))) return false;
  await tx.execute(sql.raw(`drop table ${name}`));
  return true;
}
