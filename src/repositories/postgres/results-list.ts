/**
 * A page of check results on Postgres, newest first, in one statement. An endpoint's results are spread
 * over one series per agent, and one ordered scan of all of them would sort every result in the range to
 * return a page. So: first a floor for the page, the `limit`-th newest check time among the newest
 * ⌈limit / series⌉ of each series (from the (series, ts, reachable) index, without the rows: a subset of
 * the results, so its `limit`-th newest is never newer than the page's oldest); then, per series
 * (lateral), its results at or after the floor, merged and cut to the page. With many agents that reads
 * about one index entry per series and a few rows each, not `limit` rows per series.
 */
import { sql } from 'drizzle-orm';
import type { CheckResultRow, ResultCheckType } from '../../domain/check-result.ts';
import type { ResultListQuery } from '../ports/results.ts';
import { textArray } from './arrays.ts';
import type { PgDb } from './db.ts';

interface Row extends Record<string, unknown> {
  id: string;
  agent_id: string;
  endpoint_id: string;
  ts: string;
  check_type: ResultCheckType;
  reachable: boolean;
  latency_ms: number | null;
  result: Record<string, unknown>;
  received_at: string;
}

export async function listPgResults(db: PgDb, q: ResultListQuery): Promise<CheckResultRow[]> {
  if (q.endpointIds.length === 0 || q.limit <= 0) return [];
  const agent = q.agentId ? sql` and s.agent_id = ${q.agentId}` : sql``;
  // Literal, not a parameter, so that the planner may use the partial index of unreachable results.
  const reachable = q.reachable === undefined ? sql`` : q.reachable ? sql` and p.reachable` : sql` and not p.reachable`;
  const range = sql`p.ts >= ${q.from.toISOString()}::timestamptz and p.ts < ${q.to.toISOString()}::timestamptz${reachable}`;
  const at = q.after?.ts.toISOString();
  // The row comparison alone does not bound the (series, ts) index scan: `p.ts <= …` does.
  const after = q.after ? sql` and p.ts <= ${at}::timestamptz and (p.ts, p.id) < (${at}::timestamptz, ${q.after.id}::uuid)` : sql``;
  // The floor's rows stop short of the cursor's instant: fewer rows can only lower the floor, never skip a result.
  const beforeCursor = q.after ? sql` and p.ts < ${at}::timestamptz` : sql``;
  const rows = await db.execute<Row>(sql`
    with s as (
      select id, agent_id, endpoint_id from check_result_series s
      where s.tenant_id = ${q.tenantId} and s.endpoint_id = any(${textArray(q.endpointIds)}::uuid[])${agent}
    ), floor as (
      select coalesce((
        select f.ts from s cross join lateral (
          select p.ts from check_result_points p where p.series_id = s.id and ${range}${beforeCursor} order by p.ts desc
          limit greatest(1, ceil(${q.limit}::float8 / (select count(*) from s)))::int
        ) f order by f.ts desc offset ${q.limit - 1} limit 1
      ), ${q.from.toISOString()}::timestamptz) as ts
    )
    select p.id, s.agent_id, s.endpoint_id, (extract(epoch from p.ts) * 1000)::int8 as ts, p.check_type, p.reachable, p.latency_ms, p.result,
      (extract(epoch from p.received_at) * 1000)::int8 as received_at
    from s cross join lateral (
      select p.id, p.ts, p.check_type, p.reachable, p.latency_ms, p.result, p.received_at from check_result_points p
      where p.series_id = s.id and ${range}${after} and p.ts >= (select ts from floor)
      order by p.ts desc, p.id desc limit ${q.limit}
    ) p
    order by p.ts desc, p.id desc limit ${q.limit}`);
  return rows.map((r) => ({
    id: r.id,
    tenantId: q.tenantId,
    agentId: r.agent_id,
    endpointId: r.endpoint_id,
    checkType: r.check_type,
    ts: new Date(Number(r.ts)),
    reachable: r.reachable,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    result: typeof r.result === 'string' ? (JSON.parse(r.result) as Record<string, unknown>) : r.result,
    receivedAt: new Date(Number(r.received_at)),
  }));
}
