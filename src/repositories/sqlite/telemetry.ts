/**
 * Telemetry reads and retention on SQLite, in the time-series layout: telemetry_series names each agent +
 * metric + labels by an integer, telemetry_points (WITHOUT ROWID) is ordered by (series_id, ts), so a range
 * read of one agent's metric is one primary-key range scan per label set. Reads use statements prepared once.
 */
import type Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { LatestSample, TelemetryAggregate, TelemetryPoint, TelemetryRangeQuery, TelemetryStorageMode, TelemetryStorageStats } from '../../domain/telemetry.ts';
import type { TelemetryRepository } from '../ports/telemetry.ts';
import { checkRange, toPoint } from '../shared/telemetry.ts';
import type { SqliteDb } from './db.ts';
import type { PointTally } from './point-tally.ts';

interface RangeParams {
  tenant: string;
  agent: string;
  metric: string;
  /** Bound as BigInt: better-sqlite3 binds numbers as REAL, and the bucket arithmetic must be integer. */
  from: bigint;
  to: bigint;
  step: bigint;
}

interface RangeRow {
  bucket: number;
  value: number;
  count: number;
}

interface LatestRow {
  metric: string;
  labels: string;
  value: number;
  ts: number;
}

/** Series pruned per transaction, so the write lock is released between chunks. */
const PRUNE_SERIES_CHUNK = 500;

const RANGE_FROM = `from telemetry_points
  where series_id in (select id from telemetry_series where tenant_id = :tenant and agent_id = :agent and metric = :metric)
    and ts >= :from and ts < :to
  group by bucket order by bucket`;
const BUCKET = ':from + ((ts - :from) / :step) * :step as bucket';

const RANGE_SQL: Record<TelemetryAggregate, string> = {
  avg: `select ${BUCKET}, avg(value) as value, count(*) as count ${RANGE_FROM}`,
  min: `select ${BUCKET}, min(value) as value, count(*) as count ${RANGE_FROM}`,
  max: `select ${BUCKET}, max(value) as value, count(*) as count ${RANGE_FROM}`,
  // SQLite's bare column: with a single max() aggregate, `value` comes from the row holding max(ts).
  last: `select ${BUCKET}, value, max(ts) as newest, count(*) as count ${RANGE_FROM}`,
};

export class SqliteTelemetryRepository implements TelemetryRepository {
  private readonly db: SqliteDb;
  private readonly prepared = new Map<string, Database.Statement>();

  private readonly points: PointTally;

  constructor(db: SqliteDb, points: PointTally) {
    this.db = db;
    this.points = points;
  }

  private stmt(text: string): Database.Statement {
    let s = this.prepared.get(text);
    if (!s) {
      s = this.db.$client.prepare(text);
      this.prepared.set(text, s);
    }
    return s;
  }

  /** Rows from the tally of this process's writes over one count on first use (see PointTally). */
  async storageStats(): Promise<TelemetryStorageStats> {
    const rows = this.points.rows(() => (this.stmt('select count(*) as n from telemetry_points').get() as { n: number }).n);
    return { mode: 'table', rows, partitions: 0 };
  }

  async range(q: TelemetryRangeQuery): Promise<TelemetryPoint[]> {
    if (!checkRange(q)) return [];
    const params: RangeParams = {
      tenant: q.tenantId,
      agent: q.agentId,
      metric: q.metric,
      from: BigInt(q.from.getTime()),
      to: BigInt(q.to.getTime()),
      step: BigInt(q.stepMs),
    };
    const rows = this.stmt(RANGE_SQL[q.agg]).all(params) as RangeRow[];
    return rows.map(toPoint);
  }

  async latest(tenantId: string, agentId: string): Promise<LatestSample[]> {
    const rows = this.stmt(
      `select s.metric, s.labels, l.value, l.ts from telemetry_series s join telemetry_series_latest l on l.series_id = s.id
       where s.tenant_id = ? and s.agent_id = ? order by s.metric, s.labels_key`,
    ).all(tenantId, agentId) as LatestRow[];
    return rows.map((r) => ({ metric: r.metric, labels: JSON.parse(r.labels) as Record<string, string>, value: r.value, ts: new Date(r.ts) }));
  }

  async storageMode(): Promise<TelemetryStorageMode> {
    return 'table';
  }

  async prepare(): Promise<string[]> {
    return [];
  }

  /**
   * Deletes series by series (a key range each), PRUNE_SERIES_CHUNK series per transaction, yielding to the
   * event loop between transactions so that requests (and their writes) interleave with a large prune.
   * Series rows stay: the ingestion path may hold their ids in memory.
   */
  async prune(cutoff: Date): Promise<string[]> {
    const ids = (this.stmt('select id from telemetry_series order by id').all() as { id: number }[]).map((r) => r.id);
    const del = this.stmt('delete from telemetry_points where series_id = ? and ts < ?');
    const at = cutoff.getTime();
    const chunk = this.db.$client.transaction((from: number) => {
      let n = 0;
      for (let i = from; i < Math.min(ids.length, from + PRUNE_SERIES_CHUNK); i++) n += del.run(ids[i]!, at).changes;
      return n;
    });
    let samples = 0;
    for (let from = 0; from < ids.length; from += PRUNE_SERIES_CHUNK) {
      const pruned = chunk.immediate(from);
      samples += pruned;
      this.points.add(-pruned);
      if (from + PRUNE_SERIES_CHUNK < ids.length) await yieldToEventLoop();
    }
    const latest = this.stmt('delete from telemetry_series_latest where ts < ?').run(at).changes;
    const done: string[] = [];
    if (samples > 0) done.push(`${samples} rows from telemetry_points`);
    if (latest > 0) done.push(`${latest} rows from telemetry_series_latest`);
    return done;
  }
}
