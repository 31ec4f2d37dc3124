/**
 * Check-result reads on SQLite. The report reads (ts, reachable, latency) from the covering
 * (endpoint, ts, …) index in raw mode and aggregates in code: SQLite has no percentile function, and one
 * pass plus a sort per bucket is cheaper than window functions over the whole range.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { EndpointState, ReportBucket } from '../../domain/check-result.ts';
import type { ReportQuery, ResultRepository } from '../ports/results.ts';
import { chunks } from '../shared/ingest.ts';
import { aggregateReport } from '../shared/report.ts';
import type { SqliteDb } from './db.ts';
import { checkResults, endpointStates } from './schema.ts';

export class SqliteResultRepository implements ResultRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(ids, 500)) {
      const rows = this.db
        .select({ id: checkResults.id })
        .from(checkResults)
        .where(and(eq(checkResults.tenantId, tenantId), inArray(checkResults.id, part)))
        .all();
      for (const r of rows) found.add(r.id);
    }
    return found;
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

  async report(q: ReportQuery): Promise<ReportBucket[]> {
    if (q.endpointIds.length === 0) return [];
    const marks = q.endpointIds.map(() => '?').join(', ');
    const agent = q.agentId ? ' and agent_id = ?' : '';
    const stmt = this.db.$client
      .prepare<unknown[], [number, number, number | null]>(
        `select ts, reachable, latency_ms from check_results indexed by check_results_endpoint_ts_idx
         where endpoint_id in (${marks}) and ts >= ? and ts < ? and tenant_id = ?${agent}`,
      )
      .raw(true);
    const params: unknown[] = [...q.endpointIds, q.from.getTime(), q.to.getTime(), q.tenantId];
    if (q.agentId) params.push(q.agentId);
    return aggregateReport(stmt.all(...params), q.stepMs);
  }
}
