/**
 * Telemetry reads and retention on SQLite: one table, ordered by (agent_id, metric, ts, labels_key), so a
 * range read for one agent and metric is a primary-key range scan. Reads use statements prepared once.
 */
import type Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { LatestSample, TelemetryAggregate, TelemetryPoint, TelemetryRangeQuery, TelemetryStorageMode, TelemetryStorageStats } from '../../domain/telemetry.ts';
import type { TelemetryRepository } from '../ports/telemetry.ts';
import { checkRange, toPoint } from '../shared/telemetry.ts';
import type { SqliteDb } from './db.ts';

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

/** Rows deleted per statement when pruning, so the write lock is released between chunks. */
const PRUNE_CHUNK = 50_000;

const RANGE_FROM = `from telemetry_samples
  where agent_id = :agent and metric = :metric and ts >= :from and ts < :to and tenant_id = :tenant
  group by bucket order by bucket`;
const BUCKET = ':from + ((ts - :from) / :step) * :step as bucket';

const RANGE_SQL: Record<TelemetryAggregate, string> = {
  avg: `select ${BUCKET}, avg(value) as value, count(*) as count ${RANGE_FROM}`,
  min: `select ${BUCKET}, min(value) as value, count(*) as count ${RANGE_FROM}`,
  max: `select ${BUCKET}, max(value) as value, count(*) as count ${RANGE_FROM}`,
  // SQLite's bare column: with a single max() aggregate, `value` comes from the row holding max(ts).
  last: `select ${BUCKET}, value, max(ts) as newest, count(*) as count ${RANGE_FROM}`,
};

// Two subqueries: SQLite answers a lone min() or max() of the rowid from one end of the b-tree, not both in one select.
const ROW_SPAN_SQL = 'select (select max(rowid) from telemetry_samples) - (select min(rowid) from telemetry_samples) + 1 as rows';

export class SqliteTelemetryRepository implements TelemetryRepository {
  private readonly db: SqliteDb;
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(db: SqliteDb) {
    this.db = db;
  }

  private stmt(text: string): Database.Statement {
    let s = this.prepared.get(text);
    if (!s) {
      s = this.db.$client.prepare(text);
      this.prepared.set(text, s);
    }
    return s;
  }

  /**
   * A count(*) reads every page of an index, on the request thread: instead, the span of row ids, two
   * lookups at the ends of the table. Samples get increasing row ids and retention deletes the oldest, so
   * the span is the count but for samples that arrived late and were deleted out of order.
   */
  async storageStats(): Promise<TelemetryStorageStats> {
    const row = this.stmt(ROW_SPAN_SQL).get() as { rows: number | null };
    return { mode: 'table', rows: row.rows ?? 0, partitions: 0 };
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
    const rows = this.stmt('select metric, labels, value, ts from telemetry_latest where agent_id = ? and tenant_id = ? order by metric, labels_key').all(agentId, tenantId) as LatestRow[];
    return rows.map((r) => ({ metric: r.metric, labels: JSON.parse(r.labels) as Record<string, string>, value: r.value, ts: new Date(r.ts) }));
  }

  async storageMode(): Promise<TelemetryStorageMode> {
    return 'table';
  }

  async prepare(): Promise<string[]> {
    return [];
  }

  /**
   * Deletes in rowid windows of PRUNE_CHUNK rows, each its own short transaction, yielding to the event loop
   * between them so that requests (and their writes) interleave with a large prune.
   */
  async prune(cutoff: Date): Promise<string[]> {
    const bounds = this.stmt('select min(rowid) as lo, max(rowid) as hi from telemetry_samples').get() as { lo: number | null; hi: number | null };
    const del = this.stmt('delete from telemetry_samples where rowid >= ? and rowid < ? and ts < ?');
    const at = cutoff.getTime();
    let samples = 0;
    if (bounds.lo !== null && bounds.hi !== null) {
      for (let start = bounds.lo; start <= bounds.hi; start += PRUNE_CHUNK) {
        samples += del.run(start, start + PRUNE_CHUNK, at).changes;
        if (start + PRUNE_CHUNK <= bounds.hi) await yieldToEventLoop();
      }
    }
    const latest = this.stmt('delete from telemetry_latest where ts < ?').run(at).changes;
    const done: string[] = [];
    if (samples > 0) done.push(`${samples} rows from telemetry_samples`);
    if (latest > 0) done.push(`${latest} rows from telemetry_latest`);
    return done;
  }
}
