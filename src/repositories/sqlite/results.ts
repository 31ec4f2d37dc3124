/**
 * Check-result reads on SQLite. SQLite has no percentile function: reports aggregate in code, from the
 * per-minute rollups when the range is minute-aligned (buckets always are), else from the result rows
 * read in raw mode from the covering (series, ts, …) index of the endpoints' series.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { CheckResultRow, EndpointState, ReportBucket } from '../../domain/check-result.ts';
import type { ReportQuery, ResultListQuery, ResultRepository, StoredCandidate } from '../ports/results.ts';
import { chunks } from '../shared/ingest.ts';
import { aggregateMinutes, aggregateReport } from '../shared/report.ts';
import { MINUTE_MS, mayBeStored } from '../shared/check-results.ts';
import type { SqliteDb } from './db.ts';
import { listSqliteResults } from './results-list.ts';
import { checkResultPoints, checkResultSeries, endpointStates } from './schema.ts';

export class SqliteResultRepository implements ResultRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(ids, 500)) {
      const rows = this.db
        .select({ id: checkResultPoints.id })
        .from(checkResultPoints)
        .innerJoin(checkResultSeries, eq(checkResultSeries.id, checkResultPoints.seriesId))
        .where(and(inArray(checkResultPoints.id, part), eq(checkResultSeries.tenantId, tenantId)))
        .all();
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  async storedAmong(tenantId: string, agentId: string, results: readonly StoredCandidate[]): Promise<Set<string>> {
    if (results.length === 0) return new Set();
    const endpoints = [...new Set(results.map((r) => r.endpointId))];
    const states = this.db
      .select({ e: endpointStates.endpointId, at: endpointStates.checkedAt })
      .from(endpointStates)
      .where(and(eq(endpointStates.agentId, agentId), inArray(endpointStates.endpointId, endpoints)))
      .all();
    const ids = mayBeStored(results, new Map(states.map((r) => [r.e, r.at.getTime()])));
    return ids.length === 0 ? new Set() : this.existingIds(tenantId, ids);
  }

  async states(tenantId: string, endpointIds: readonly string[]): Promise<EndpointState[]> {
    if (endpointIds.length === 0) return [];
    return this.db
      .select()
      .from(endpointStates)
      .where(and(eq(endpointStates.tenantId, tenantId), inArray(endpointStates.endpointId, [...endpointIds])))
      .orderBy(asc(endpointStates.agentId), asc(endpointStates.endpointId))
      .all();
  }

  async list(q: ResultListQuery): Promise<CheckResultRow[]> {
    return listSqliteResults(this.db.$client, q);
  }

  async report(q: ReportQuery): Promise<ReportBucket[]> {
    if (q.endpointIds.length === 0) return [];
    const marks = q.endpointIds.map(() => '?').join(', ');
    const agent = q.agentId ? ' and agent_id = ?' : '';
    if (q.from.getTime() % MINUTE_MS === 0 && q.to.getTime() % MINUTE_MS === 0) {
      const minutes = this.db.$client
        .prepare<unknown[], [number, number, number, Uint8Array]>(
          `select minute, checks, successes, latencies from check_result_minutes where endpoint_id in (${marks}) and minute >= ? and minute < ? and tenant_id = ?${agent}`,
        )
        .raw(true);
      const params: unknown[] = [...q.endpointIds, q.from.getTime(), q.to.getTime(), q.tenantId];
      if (q.agentId) params.push(q.agentId);
      return aggregateMinutes(minutes.all(...params), q.stepMs);
    }
    const stmt = this.db.$client
      .prepare<unknown[], [number, number, number | null]>(
        `select ts, reachable, latency_ms from check_result_points indexed by check_result_points_series_ts_idx
         where series_id in (select id from check_result_series where tenant_id = ? and endpoint_id in (${marks})${agent}) and ts >= ? and ts < ?`,
      )
      .raw(true);
    const params: unknown[] = [q.tenantId, ...q.endpointIds];
    if (q.agentId) params.push(q.agentId);
    params.push(q.from.getTime(), q.to.getTime());
    return aggregateReport(stmt.all(...params), q.stepMs);
  }

  async prune(before: Date, batch: number): Promise<number> {
    const client = this.db.$client;
    // Series first: the (series, ts) index then finds each series' old rows without scanning the table.
    const results = client.prepare(
      `delete from check_result_points where rowid in (
         select p.rowid from check_result_series s join check_result_points p on p.series_id = s.id and p.ts < ? limit ?)`,
    );
    const minutes = client.prepare(
      `delete from check_result_minutes where rowid in (
         select m.rowid from (select distinct endpoint_id from check_result_series) e join check_result_minutes m on m.endpoint_id = e.endpoint_id and m.minute < ? limit ?)`,
    );
    let deleted = 0;
    for (;;) {
      const { changes } = results.run(before.getTime(), batch);
      deleted += changes;
      if (changes < batch) break;
    }
    while (minutes.run(before.getTime(), batch).changes >= batch);
    return deleted;
  }
}
