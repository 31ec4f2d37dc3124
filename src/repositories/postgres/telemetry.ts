/**
 * Telemetry reads and storage maintenance on Postgres. Migration 0004 made telemetry_samples either a
 * TimescaleDB hypertable or a table partitioned by range of ts with a DEFAULT partition; storageMode()
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

const DEFAULT_PARTITION = 'telemetry_samples_default';

const AGGREGATE: Record<TelemetryAggregate, SQL> = {
  avg: sql`avg(value)`,
  min: sql`min(value)`,
  max: sql`max(value)`,
  last: sql`(array_agg(value order by ts desc))[1]`,
};

const iso = (d: Date) => d.toISOString();

export class PgTelemetryRepository implements TelemetryRepository {
  private readonly pool: PgPool;
  /** The storage mode is fixed by the migrations, so it is looked up once. */
  private mode: TelemetryStorageMode | undefined;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  async range(q: TelemetryRangeQuery): Promise<TelemetryPoint[]> {
    if (!checkRange(q)) return [];
    // date_bin(step, ts, from) = from + floor((ts - from) / step) × step. Epoch ms come back as float8 (exact for ms).
    return this.pool.run(async (db) => {
      // Group on the timestamptz bucket and convert to epoch ms per bucket afterwards: extracting the epoch
      // (numeric) on every row doubled the query's time.
      const rows = await db.execute<{ bucket: number; value: number; count: number }>(sql`
        select (extract(epoch from b.bucket) * 1000)::float8 as bucket, b.value, b.count from (
          select date_bin(${q.stepMs}::float8 * interval '1 millisecond', ts, ${iso(q.from)}::timestamptz) as bucket,
            ${AGGREGATE[q.agg]} as value, count(*)::int as count
          from telemetry_samples
          where agent_id = ${q.agentId}::uuid and metric = ${q.metric} and ts >= ${iso(q.from)}::timestamptz and ts < ${iso(q.to)}::timestamptz
            and tenant_id = ${q.tenantId}::uuid
          group by 1
        ) b order by b.bucket`);
      return rows.map(toPoint);
    });
  }

  latest(tenantId: string, agentId: string): Promise<LatestSample[]> {
    return this.pool.run(async (db) => {
      const rows = await db.execute<{ metric: string; labels: Record<string, string>; value: number; ts: number }>(sql`
        select metric, labels, value, (extract(epoch from ts) * 1000)::float8 as ts from telemetry_latest
        where agent_id = ${agentId}::uuid and tenant_id = ${tenantId}::uuid order by metric, labels_key`);
      return rows.map((r) => ({ metric: r.metric, labels: r.labels, value: r.value, ts: new Date(r.ts) }));
    });
  }

  /** pg_partitioned_table lists natively partitioned tables; a hypertable is a TimescaleDB catalog entry (asked only when the extension is installed). */
  async storageMode(): Promise<TelemetryStorageMode> {
    if (this.mode) return this.mode;
    this.mode = await this.pool.run(async (db): Promise<TelemetryStorageMode> => {
      const [row] = await db.execute<{ partitioned: boolean; timescale: boolean }>(sql`
        select exists (select 1 from pg_partitioned_table where partrelid = to_regclass('telemetry_samples')) as partitioned,
               exists (select 1 from pg_extension where extname = 'timescaledb') as timescale`);
      if (row?.partitioned) return 'partitions';
      if (row?.timescale) {
        const [ht] = await db.execute<{ hypertable: boolean }>(sql`select exists (select 1 from timescaledb_information.hypertables where hypertable_name = 'telemetry_samples') as hypertable`);
        if (ht?.hypertable) return 'timescaledb';
      }
      return 'table';
    });
    return this.mode;
  }

  /**
   * Partitions and hypertable chunks are both children of telemetry_samples in pg_inherits. Rows are the
   * statistics' live tuples (kept by the inserts and deletes themselves, reported within about a second).
   */
  async storageStats(): Promise<TelemetryStorageStats> {
    const mode = await this.storageMode();
    const [row] = await this.pool.run((db) =>
      db.execute<{ partitions: number; rows: string }>(sql`
        with parts as (select inhrelid as relid from pg_inherits where inhparent = to_regclass('telemetry_samples'))
        select (select count(*) from parts)::int as partitions,
               coalesce((select sum(n_live_tup) from pg_stat_all_tables where relid = to_regclass('telemetry_samples') or relid in (select relid from parts)), 0)::text as rows`),
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
      const chunks = await this.pool.run((db) => db.execute<{ chunk: string }>(sql`select drop_chunks('telemetry_samples', older_than => ${iso(cutoff)}::timestamptz)::text as chunk`));
      done.push(...chunks.map((c) => c.chunk));
    } else if (mode === 'partitions') {
      const partitions = await this.pool.run((db) =>
        db.execute<{ name: string }>(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass('telemetry_samples') order by 1`),
      );
      for (const { name } of partitions) {
        const day = partitionDay(name);
        if (!day || day.getTime() + DAY_MS > cutoff.getTime()) continue;
        const dropped = await this.pool.run((db) => db.transaction((tx) => dropPartition(tx, name)));
        if (dropped) done.push(name);
      }
      const rows = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_samples_default where ts < ${iso(cutoff)}::timestamptz`)));
      if (rows > 0) done.push(`${rows} rows from ${DEFAULT_PARTITION}`);
    } else {
      const rows = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_samples where ts < ${iso(cutoff)}::timestamptz`)));
      if (rows > 0) done.push(`${rows} rows from telemetry_samples`);
    }
    const latest = await this.pool.run(async (db) => affected(await db.execute(sql`delete from telemetry_latest where ts < ${iso(cutoff)}::timestamptz`)));
    if (latest > 0) done.push(`${latest} rows from telemetry_latest`);
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
  const lo = iso(day);
  const hi = iso(new Date(day.getTime() + DAY_MS));
  await tx.execute(sql`lock table only telemetry_samples in access exclusive mode`);
  const [stray] = await tx.execute<{ any: boolean }>(sql`select exists (select 1 from telemetry_samples_default where ts >= ${lo}::timestamptz and ts < ${hi}::timestamptz) as any`);
  // Names and bounds come from partitionName() and toISOString(): digits, '-', ':', '.', 'T', 'Z' only.
  const bounds = `for values from ('${lo}') to ('${hi}')`;
  if (!stray?.any) {
    await tx.execute(sql.raw(`create table ${name} partition of telemetry_samples ${bounds}`));
    return true;
  }
  await tx.execute(sql`create temporary table telemetry_samples_moving (like telemetry_samples) on commit drop`);
  await tx.execute(sql`
    with moved as (delete from telemetry_samples_default where ts >= ${lo}::timestamptz and ts < ${hi}::timestamptz returning *)
    insert into telemetry_samples_moving select * from moved`);
  await tx.execute(sql.raw(`create table ${name} partition of telemetry_samples ${bounds}`));
  await tx.execute(sql.raw(`insert into ${name} select * from telemetry_samples_moving`));
  return true;
}

async function dropPartition(tx: PgTx, name: string): Promise<boolean> {
  await maintenanceLock(tx);
  if (!(await relationExists(tx, name))) return false;
  await tx.execute(sql.raw(`drop table ${name}`));
  return true;
}
