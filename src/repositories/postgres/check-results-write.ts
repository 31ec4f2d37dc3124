/**
 * The check-result part of the Postgres ingestion write, inside the batch's transaction: results with one
 * `insert … select from unnest(arrays)` (skipping ids already stored) under their series' integer id
 * (created on first sight) and their per-minute rollups, agent-local endpoints for ids the
 * tenant does not know, the current state per agent + endpoint (rows locked in key order, so concurrent
 * batches do not deadlock) and the reachability events.
 */
import { sql } from 'drizzle-orm';
import type { CheckResultRow, EndpointState, ResultCheckType } from '../../domain/check-result.ts';
import type { IngestItem, ReachabilityRule } from '../../domain/ingest.ts';
import type { NewEvent } from '../../domain/event.ts';
import { chunks } from '../shared/ingest.ts';
import { localEndpointName, minuteRollups, nextState, resultsOf, SeriesCache, seriesKey, storedPerItem, type MinuteRollup } from '../shared/check-results.ts';
import { newestStates, reportedEndpoints, type SeriesGroup, seriesGroups } from '../shared/series-groups.ts';
import { plainArray, textArray, timeArray } from './arrays.ts';
import { executePrepared } from './prepared.ts';
import type { PgTx } from './transaction.ts';

const UNNEST_CHUNK = 5_000;

/** Series ids committed (shared by every write of the process). */
const seriesCache = new SeriesCache();

export async function writeCheckResults(tx: PgTx, items: readonly IngestItem[], reachability: ReachabilityRule | undefined): Promise<{ written: number; perItem: number[]; events: NewEvent[] }> {
  const results = resultsOf(items);
  if (results.length === 0) return { written: 0, perItem: [], events: [] };
  const byId = [...results].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const groups = seriesGroups(items);
  const series = await seriesIds(tx, groups);
  const storedIds = new Set<string>();
  for (const rows of chunks(byId, UNNEST_CHUNK)) for (const id of await insertResults(tx, rows, series)) storedIds.add(id);
  const written = storedIds.size;
  // An id the batch repeats (a re-send joining its first attempt's write) was stored once, from its first
  // occurrence: it is rolled up once too.
  const unclaimed = new Set(storedIds);
  const rollups = minuteRollups(results.filter((r) => unclaimed.delete(r.id)));
  const reported = reportedEndpoints(groups);
  const candidates = newestStates(groups);
  // Issued together (pipelined: one round trip); the server runs them in this order, so row locks are still
  // taken rollups first, then endpoints, then states, each in key order.
  const [, , stored] = await Promise.all([
    Promise.all(chunks(rollups, UNNEST_CHUNK).map((rows) => upsertMinutes(tx, rows))),
    executePrepared(
      tx,
      sql`
    insert into monitored_endpoints (tenant_id, id, name, address, check_type, port, interval_sec, timeout_sec, tags, enabled,
      assigned_agent_ids, assigned_section_id, assigned_tags, origin, reported_by, linked_endpoint_id, version, created_at, updated_at)
    select t, e, n, e::text, c, null, 60, 5, '[]'::jsonb, true, '[]'::jsonb, null, '[]'::jsonb, 'agent_local', a, null, 1, at, at
    from unnest(${textArray(reported.map((e) => e.tenantId))}::uuid[], ${textArray(reported.map((e) => e.endpointId))}::uuid[],
      ${textArray(reported.map((e) => localEndpointName(e.endpointId)))}::text[], ${nullableText(reported.map((e) => e.checkType))}::text[],
      ${textArray(reported.map((e) => e.agentId))}::uuid[], ${timeArray(reported.map((e) => e.at))}::timestamptz[]) as u(t, e, n, c, a, at)
    on conflict do nothing`,
    ),
    executePrepared<StateRow>(
      tx,
      sql`
    select s.agent_id, s.endpoint_id, s.tenant_id, s.reachable, s.latency_ms, s.check_type, s.result_id, s.checked_at, s.changed_at, m.linked_endpoint_id
    from endpoint_states s left join monitored_endpoints m on m.tenant_id = s.tenant_id and m.id = s.endpoint_id
    where (s.agent_id, s.endpoint_id) in (select * from unnest(${textArray(candidates.map((c) => c.agentId))}::uuid[], ${textArray(candidates.map((c) => c.endpointId))}::uuid[]))
    order by s.agent_id, s.endpoint_id
    for update of s`,
    ),
  ]);
  const previousOf = new Map(stored.map((r) => [`${r.agent_id}/${r.endpoint_id}`, r]));
  const next: EndpointState[] = [];
  // Changes that raise an event; a first-seen state's managed endpoint (the event speaks for it) is read
  // for all of them in one statement below, and only when an event is due (a first result that is
  // reachable raises none).
  const changes: { previous: EndpointState | null; state: EndpointState; link: string | null | undefined }[] = [];
  for (const candidate of candidates) {
    const row = previousOf.get(`${candidate.agentId}/${candidate.endpointId}`);
    const previous = row ? toState(row) : null;
    const state = nextState(previous, candidate);
    if (!state) continue;
    next.push(state);
    if (!reachability || reachability(previous, state, null) === null) continue;
    changes.push({ previous, state, link: row ? row.linked_endpoint_id : undefined });
  }
  const links = await linksOf(
    tx,
    changes.filter((c) => c.link === undefined).map((c) => c.state),
  );
  const events: NewEvent[] = [];
  for (const { previous, state, link } of changes) {
    const event = reachability?.(previous, state, link ?? links.get(`${state.tenantId}/${state.endpointId}`.toLowerCase()) ?? null);
    if (event) events.push(event);
  }
  if (next.length > 0) await upsertStates(tx, next);
  return { written, perItem: storedPerItem(items, storedIds), events };
}

interface StateRow extends Record<string, unknown> {
  agent_id: string;
  endpoint_id: string;
  tenant_id: string;
  reachable: boolean;
  latency_ms: number | null;
  check_type: ResultCheckType;
  result_id: string;
  checked_at: string | Date;
  changed_at: string | Date;
  linked_endpoint_id: string | null;
}

function toState(r: StateRow): EndpointState {
  return {
    tenantId: r.tenant_id,
    agentId: r.agent_id,
    endpointId: r.endpoint_id,
    reachable: r.reachable,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    checkType: r.check_type,
    resultId: r.result_id,
    checkedAt: new Date(r.checked_at),
    changedAt: new Date(r.changed_at),
  };
}

/** The managed endpoint each first-seen state's endpoint is linked to, by `tenant/endpoint` (one statement; none when no state). */
async function linksOf(tx: PgTx, states: readonly EndpointState[]): Promise<Map<string, string | null>> {
  if (states.length === 0) return new Map();
  const rows = await executePrepared<{ t: string; e: string; linked: string | null }>(
    tx,
    sql`
    select m.tenant_id::text as t, m.id::text as e, m.linked_endpoint_id as linked from monitored_endpoints m
    where (m.tenant_id, m.id) in (select * from unnest(${textArray(states.map((s) => s.tenantId))}::uuid[], ${textArray(states.map((s) => s.endpointId))}::uuid[]))`,
  );
  return new Map(rows.map((r) => [`${r.t}/${r.e}`, r.linked]));
}

/**
 * The series id of every result, by series group: from the cache, else read or created in one statement
 * each. Ids read back committed are cached; ids this transaction created are not (it may roll back). Keyed
 * by the result itself: a string key per result (three UUIDs, built and hashed twice for each of ~4,500
 * results per batch) cost more than the lookups.
 */
async function seriesIds(tx: PgTx, groups: readonly SeriesGroup[]): Promise<Map<CheckResultRow, number>> {
  const ids = new Map<CheckResultRow, number>();
  const assign = (g: SeriesGroup, id: number) => {
    for (const r of g.results) ids.set(r, id);
  };
  const missing = new Map<string, SeriesGroup>();
  for (const g of groups) {
    const id = seriesCache.of(g);
    if (id !== undefined) assign(g, id);
    else missing.set(seriesKey(g), g);
  }
  if (missing.size === 0) return ids;
  const keysOf = (rows: readonly SeriesGroup[]) =>
    sql`unnest(${textArray(rows.map((r) => r.tenantId))}::uuid[], ${textArray(rows.map((r) => r.endpointId))}::uuid[], ${textArray(rows.map((r) => r.agentId))}::uuid[]) as k(t, e, a)`;
  const found = new Set<SeriesGroup>();
  const note = (rows: SeriesRow[]) => {
    for (const r of rows) {
      const series = { tenantId: r.t, endpointId: r.e, agentId: r.a };
      const g = missing.get(seriesKey(series));
      if (g && !found.has(g)) {
        found.add(g);
        assign(g, r.id);
      }
      if (!r.created) seriesCache.committed(series, r.id);
    }
  };
  const keys = keysOf([...missing.values()]);
  // Created rows come back from the insert, rows that existed from the select (both on the statement's snapshot).
  note(
    await executePrepared<SeriesRow>(
      tx,
      sql`
      with created as (
        insert into check_result_series (tenant_id, endpoint_id, agent_id) select t, e, a from ${keys} order by t, e, a
        on conflict do nothing returning id, tenant_id as t, endpoint_id as e, agent_id as a)
      select id, t, e, a, true as created from created
      union all
      select s.id, k.t, k.e, k.a, false from ${keys} join check_result_series s on s.tenant_id = k.t and s.endpoint_id = k.e and s.agent_id = k.a`,
    ),
  );
  // A series a concurrent batch committed after that snapshot (the insert waited for it, then did nothing): read it now.
  const lost = [...missing.values()].filter((g) => !found.has(g));
  if (lost.length === 0) return ids;
  note(await executePrepared<SeriesRow>(tx, sql`select s.id, k.t, k.e, k.a, false as created from ${keysOf(lost)} join check_result_series s on s.tenant_id = k.t and s.endpoint_id = k.e and s.agent_id = k.a`));
  const missed = lost.filter((g) => !found.has(g)).map(seriesKey);
  if (missed.length > 0) throw new Error(`check result series not found after insert: ${missed.join(', ')}`);
  return ids;
}

interface SeriesRow extends Record<string, unknown> {
  id: number;
  t: string;
  e: string;
  a: string;
  created: boolean;
}

/**
 * Returns the ids newly stored. Columns go as array literals that need no quoting (numbers, UUIDs, enum
 * names, t/f), times as epoch milliseconds, and the results' JSON as one JSON array zipped with the other
 * columns by `rows from`: quoting and escaping ~4,400 JSON texts and ISO times cost ~3 µs per row on the
 * event loop (`bench/results-write.ts --db postgres`, README).
 */
async function insertResults(tx: PgTx, rows: CheckResultRow[], series: ReadonlyMap<CheckResultRow, number>): Promise<string[]> {
  const n = rows.length;
  const seriesIds = new Array<number>(n);
  const ids = new Array<string>(n);
  const types = new Array<string>(n);
  const times = new Array<number>(n);
  const reachable = new Array<string>(n);
  const latencies = new Array<number | string>(n);
  const results = new Array<unknown>(n);
  const received = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    seriesIds[i] = series.get(r)!;
    ids[i] = r.id;
    types[i] = r.checkType;
    times[i] = r.ts.getTime();
    reachable[i] = r.reachable ? 't' : 'f';
    latencies[i] = r.latencyMs ?? 'NULL';
    results[i] = r.result;
    received[i] = r.receivedAt.getTime();
  }
  // Milliseconds / 1000 as float8 is within 0.2 µs of the exact second, and Postgres rounds to the microsecond.
  // json_array_elements then a cast per element: jsonb_array_elements builds the whole array as jsonb first
  // (4,400 Smotra results: 11–14 ms against 3–3.5 ms).
  const res = await executePrepared<{ id: string }>(
    tx,
    sql`
    insert into check_result_points (series_id, id, check_type, ts, reachable, latency_ms, result, received_at)
    select s, i, c, to_timestamp(t::float8 / 1000), r, l, j::jsonb, to_timestamp(at::float8 / 1000) from rows from (
      unnest(${plainArray(seriesIds)}::int[]), unnest(${plainArray(ids)}::uuid[]), unnest(${plainArray(types)}::text[]),
      unnest(${plainArray(times)}::int8[]), unnest(${plainArray(reachable)}::boolean[]), unnest(${plainArray(latencies)}::float8[]),
      json_array_elements(${JSON.stringify(results)}::json), unnest(${plainArray(received)}::int8[])) as u(s, i, c, t, r, l, j, at)
    on conflict do nothing
    returning id`,
  );
  return res.map((r) => r.id);
}

/** Rows in key order, one per key; latencies are appended (bytea concatenation). */
async function upsertMinutes(tx: PgTx, rows: MinuteRollup[]): Promise<void> {
  await executePrepared(
    tx,
    sql`
    insert into check_result_minutes (tenant_id, endpoint_id, minute, agent_id, checks, successes, latencies)
    select * from unnest(
      ${textArray(rows.map((m) => m.tenantId))}::uuid[], ${textArray(rows.map((m) => m.endpointId))}::uuid[], ${timeArray(rows.map((m) => m.minute))}::timestamptz[],
      ${textArray(rows.map((m) => m.agentId))}::uuid[], ${textArray(rows.map((m) => String(m.checks)))}::int[], ${textArray(rows.map((m) => String(m.successes)))}::int[],
      ${textArray(rows.map((m) => `\\x${m.latencies.toString('hex')}`))}::bytea[])
    on conflict (endpoint_id, minute, agent_id) do update set checks = check_result_minutes.checks + excluded.checks,
      successes = check_result_minutes.successes + excluded.successes, latencies = check_result_minutes.latencies || excluded.latencies`,
  );
}

async function upsertStates(tx: PgTx, rows: EndpointState[]): Promise<void> {
  await executePrepared(
    tx,
    sql`
    insert into endpoint_states (tenant_id, agent_id, endpoint_id, reachable, latency_ms, check_type, result_id, checked_at, changed_at)
    select * from unnest(
      ${textArray(rows.map((s) => s.tenantId))}::uuid[], ${textArray(rows.map((s) => s.agentId))}::uuid[], ${textArray(rows.map((s) => s.endpointId))}::uuid[],
      ${textArray(rows.map((s) => (s.reachable ? 't' : 'f')))}::boolean[], ${nullableNumbers(rows.map((s) => s.latencyMs))}::float8[],
      ${textArray(rows.map((s) => s.checkType))}::text[], ${textArray(rows.map((s) => s.resultId))}::uuid[],
      ${timeArray(rows.map((s) => s.checkedAt))}::timestamptz[], ${timeArray(rows.map((s) => s.changedAt))}::timestamptz[])
    on conflict (agent_id, endpoint_id) do update set tenant_id = excluded.tenant_id, reachable = excluded.reachable, latency_ms = excluded.latency_ms,
      check_type = excluded.check_type, result_id = excluded.result_id, checked_at = excluded.checked_at, changed_at = excluded.changed_at
      where excluded.checked_at > endpoint_states.checked_at`,
  );
}

/** float8 array input with NULL for missing values. */
function nullableNumbers(values: readonly (number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

/** text array input with NULL for missing values. */
function nullableText(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v}"`)).join(',')}}`;
}
