/**
 * A page of check results on SQLite, newest first. The endpoints' series are read first, then each
 * series newest first from its (series, ts) index, merged here: an endpoint's results are spread over one
 * series per agent, and one statement ordering all of them by time would sort every result in the range
 * to return a page. Each series' read stops at the page's oldest result so far, so a page costs about
 * `limit` rows per series at worst and one index probe per series once the page is full. Series come in
 * order of their newest result (their endpoint state's check time), so the newest page stops as soon as
 * the next series' newest result is older than the page's oldest one.
 */
import type Database from 'better-sqlite3';
import type { CheckResultRow, ResultCheckType } from '../../domain/check-result.ts';
import type { ResultListQuery } from '../ports/results.ts';

interface SeriesRow {
  id: number;
  agent_id: string;
  endpoint_id: string;
  /** The series' newest result (its endpoint state), null when there is none: no result of it is newer. */
  newest: number | null;
}

interface PointRow {
  ts: number;
  id: string;
  check_type: ResultCheckType;
  reachable: number;
  latency_ms: number | null;
  result: string;
  received_at: number;
}

/** Newer first: check time, then id (text order of lower-case UUIDs is their byte order, as on Postgres). */
const newerFirst = (a: { ts: number; id: string }, b: { ts: number; id: string }): number => b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function listSqliteResults(client: Database.Database, q: ResultListQuery): CheckResultRow[] {
  if (q.endpointIds.length === 0 || q.limit <= 0) return [];
  const marks = q.endpointIds.map(() => '?').join(', ');
  const seriesParams: unknown[] = [q.tenantId, ...q.endpointIds];
  if (q.agentId) seriesParams.push(q.agentId);
  const series = client
    .prepare<unknown[], SeriesRow>(
      `select s.id, s.agent_id, s.endpoint_id, st.checked_at as newest from check_result_series s
       left join endpoint_states st on st.agent_id = s.agent_id and st.endpoint_id = s.endpoint_id
       where s.tenant_id = ? and s.endpoint_id in (${marks})${q.agentId ? ' and s.agent_id = ?' : ''}
       order by st.checked_at is null desc, st.checked_at desc`,
    )
    .all(...seriesParams);
  if (series.length === 0) return [];
  // Literal, not a parameter: SQLite uses the partial index of unreachable results only when the query
  // says `reachable = 0` in so many words.
  const reachable = q.reachable === undefined ? '' : q.reachable ? ' and reachable = 1' : ' and reachable = 0';
  const index = q.reachable === false ? 'check_result_points_unreachable_idx' : 'check_result_points_series_ts_idx';
  // After a cursor the range ends at its instant (one bound on ts keeps the index range tight), where only smaller ids are older.
  const upper = q.after ? Math.min(q.after.ts.getTime() + 1, q.to.getTime()) : q.to.getTime();
  const after = q.after ? ' and (ts < ? or id < ?)' : '';
  const points = client.prepare<unknown[], PointRow>(
    `select ts, id, check_type, reachable, latency_ms, result, received_at from check_result_points indexed by ${index}
     where series_id = ? and ts >= ? and ts < ?${reachable}${after} order by ts desc, id desc limit ?`,
  );
  const page: (PointRow & { series: SeriesRow })[] = [];
  for (const s of series) {
    // Once the page is full, only results at or after its oldest one can still enter it; the series left
    // have no newer result than this one's newest (null: no state to tell, read it).
    const full = page.length >= q.limit;
    if (full && s.newest !== null && s.newest < page[q.limit - 1]!.ts) break;
    const floor = full ? page[q.limit - 1]!.ts : q.from.getTime();
    const params: unknown[] = [s.id, floor, upper];
    if (q.after) params.push(q.after.ts.getTime(), q.after.id);
    params.push(q.limit);
    for (const row of points.all(...params)) page.push({ ...row, series: s });
    page.sort(newerFirst);
    page.length = Math.min(page.length, q.limit);
  }
  return page.map((r) => ({
    id: r.id,
    tenantId: q.tenantId,
    agentId: r.series.agent_id,
    endpointId: r.series.endpoint_id,
    checkType: r.check_type,
    ts: new Date(r.ts),
    reachable: r.reachable === 1,
    latencyMs: r.latency_ms,
    result: JSON.parse(r.result) as Record<string, unknown>,
    receivedAt: new Date(r.received_at),
  }));
}
