/**
 * The check-result part of the SQLite ingestion write, inside the batch's immediate transaction: results
 * (skipping ids already stored) under their series' integer id (created on first sight) and their per-minute rollups, agent-local endpoints for ids the tenant does not know, the current
 * state per agent + endpoint and the reachability events. Statements are prepared once (hot path).
 */
import type Database from 'better-sqlite3';
import type { EndpointState, ResultCheckType } from '../../domain/check-result.ts';
import type { IngestItem, ReachabilityRule } from '../../domain/ingest.ts';
import type { NewEvent } from '../../domain/event.ts';
import { encodeLatencies, localEndpointName, MINUTE_MS, nextState, SeriesCache, seriesKey } from '../shared/check-results.ts';
import { newestStates, reportedEndpoints, type SeriesGroup, seriesGroups } from '../shared/series-groups.ts';

interface StateRow {
  tenant_id: string;
  reachable: number;
  latency_ms: number | null;
  check_type: ResultCheckType;
  result_id: string;
  checked_at: number;
  changed_at: number;
}

/** Rows per multi-row insert: a series' results of one request (20 in a 100-result, five-endpoint batch) take one statement. */
const POINTS_PER_INSERT = 32;
/** Parameters per point row. */
const POINT_COLUMNS = 8;

/** Per series group of a write, the positions (in `results`) of the results that were not stored. */
type NotStored = Map<SeriesGroup, Set<number>>;

export class SqliteCheckResultWriter {
  private readonly client: Database.Database;
  /** Multi-row inserts by row count, prepared on first use (at most POINTS_PER_INSERT of them). */
  private readonly insertPoints = new Map<number, Database.Statement<[unknown[]]>>();
  private readonly maxRowid: Database.Statement<[], number | null>;
  private readonly storedSince: Database.Statement<[number, string], string>;
  private readonly selectSeries: Database.Statement<[string, string, string], { id: number }>;
  private readonly insertSeries: Database.Statement<[string, string, string]>;
  private readonly series = new SeriesCache();
  private readonly insertLocalEndpoint: Database.Statement<[string, string, string, string, string | null, string, number, number]>;
  private readonly selectState: Database.Statement<[string, string], StateRow>;
  private readonly upsertState: Database.Statement<[string, string, string, number, number | null, string, string, number, number]>;
  private readonly linkOf: Database.Statement<[string, string], { linked: string | null }>;
  private readonly upsertMinute: Database.Statement<[string, string, number, string, number, number, Buffer]>;

  constructor(client: Database.Database) {
    this.client = client;
    this.maxRowid = client.prepare<[], number | null>('select max(rowid) from check_result_points').pluck();
    this.storedSince = client.prepare<[number, string], string>('select id from check_result_points where rowid > ? and id in (select value from json_each(?))').pluck();
    this.selectSeries = client.prepare('select id from check_result_series where tenant_id = ? and endpoint_id = ? and agent_id = ?');
    this.insertSeries = client.prepare('insert into check_result_series (tenant_id, endpoint_id, agent_id) values (?, ?, ?)');
    this.insertLocalEndpoint = client.prepare(
      `insert into monitored_endpoints (tenant_id, id, name, address, check_type, port, interval_sec, timeout_sec, tags, enabled,
         assigned_agent_ids, assigned_section_id, assigned_tags, origin, reported_by, linked_endpoint_id, version, created_at, updated_at)
       values (?, ?, ?, ?, ?, null, 60, 5, '[]', 1, '[]', null, '[]', 'agent_local', ?, null, 1, ?, ?) on conflict do nothing`,
    );
    this.selectState = client.prepare('select tenant_id, reachable, latency_ms, check_type, result_id, checked_at, changed_at from endpoint_states where agent_id = ? and endpoint_id = ?');
    this.upsertState = client.prepare(
      `insert into endpoint_states (tenant_id, agent_id, endpoint_id, reachable, latency_ms, check_type, result_id, checked_at, changed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (agent_id, endpoint_id) do update set tenant_id = excluded.tenant_id, reachable = excluded.reachable, latency_ms = excluded.latency_ms,
         check_type = excluded.check_type, result_id = excluded.result_id, checked_at = excluded.checked_at, changed_at = excluded.changed_at`,
    );
    this.linkOf = client.prepare('select linked_endpoint_id as linked from monitored_endpoints where tenant_id = ? and id = ?');
    // One statement per key: || concatenates the bytes (as text, unchanged in a UTF-8 database) and the cast keeps them a blob.
    this.upsertMinute = client.prepare(
      `insert into check_result_minutes (tenant_id, endpoint_id, minute, agent_id, checks, successes, latencies) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (endpoint_id, minute, agent_id) do update set checks = checks + excluded.checks, successes = successes + excluded.successes,
         latencies = cast(latencies || excluded.latencies as blob)`,
    );
  }

  /** Runs inside the caller's transaction; returns the results newly stored (in all and per item) and the events to publish. */
  write(items: readonly IngestItem[], reachability: ReachabilityRule | undefined): { written: number; perItem: number[]; events: NewEvent[] } {
    const groups = seriesGroups(items);
    if (groups.length === 0) return { written: 0, perItem: [], events: [] };
    // Every point this write stores gets a rowid above the table's largest one now (SQLite gives a new row
    // max(rowid) + 1), which tells them apart from points stored before when an insert skips some rows.
    const rowidBefore = this.maxRowid.get() ?? 0;
    // Per group, the positions of its results not stored (their id was stored before, or by an earlier row of this write): usually none.
    const notStored: NotStored = new Map();
    const created = new Map<string, number>();
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      const series = this.seriesId(g, created);
      const { results } = g;
      for (let from = 0; from < results.length; from += POINTS_PER_INSERT) {
        const to = Math.min(results.length, from + POINTS_PER_INSERT);
        const params: unknown[] = new Array((to - from) * POINT_COLUMNS);
        let at = 0;
        for (let i = from; i < to; i++) {
          const r = results[i]!;
          params[at++] = series;
          params[at++] = r.ts.getTime();
          params[at++] = r.id;
          params[at++] = r.checkType;
          params[at++] = r.reachable ? 1 : 0;
          params[at++] = r.latencyMs;
          params[at++] = JSON.stringify(r.result);
          params[at++] = r.receivedAt.getTime();
        }
        const changes = this.pointsInsert(to - from).run(params).changes;
        if (changes < to - from) this.markNotStored(groups, gi, from, to, rowidBefore, notStored);
      }
      const skipped = notStored.get(g);
      const minutes = new Map<number, { checks: number; successes: number; latencies: number[] }>();
      for (let i = 0; i < results.length; i++) {
        if (skipped?.has(i)) continue;
        const r = results[i]!;
        const minute = Math.floor(r.ts.getTime() / MINUTE_MS) * MINUTE_MS;
        let m = minutes.get(minute);
        if (!m) {
          m = { checks: 0, successes: 0, latencies: [] };
          minutes.set(minute, m);
        }
        m.checks++;
        if (!r.reachable) continue;
        m.successes++;
        if (r.latencyMs !== null) m.latencies.push(r.latencyMs);
      }
      for (const [minute, m] of minutes) this.upsertMinute.run(g.tenantId, g.endpointId, minute, g.agentId, m.checks, m.successes, encodeLatencies(m.latencies));
    }
    for (const e of reportedEndpoints(groups)) {
      const name = localEndpointName(e.endpointId);
      this.insertLocalEndpoint.run(e.tenantId, e.endpointId, name, e.endpointId, e.checkType, e.agentId, e.at.getTime(), e.at.getTime());
    }
    const events: NewEvent[] = [];
    for (const candidate of newestStates(groups)) {
      const row = this.selectState.get(candidate.agentId, candidate.endpointId);
      const previous = row ? toState(candidate, row) : null;
      const state = nextState(previous, candidate);
      if (!state) continue;
      this.upsertState.run(state.tenantId, state.agentId, state.endpointId, state.reachable ? 1 : 0, state.latencyMs, state.checkType, state.resultId, state.checkedAt.getTime(), state.changedAt.getTime());
      if (!reachability || (previous && previous.reachable === state.reachable)) continue;
      const managed = this.linkOf.get(state.tenantId, state.endpointId)?.linked ?? null;
      const event = reachability(previous, state, managed);
      if (event) events.push(event);
    }
    const perItem = notStored.size === 0 ? items.map((item) => item.results?.length ?? 0) : storedPerItem(items, groups, notStored);
    let written = 0;
    for (const n of perItem) written += n;
    return { written, perItem, events };
  }

  /**
   * After the insert of rows `from` to `to` of group `gi` skipped some of them (conflicts): adds to
   * `notStored` the rows of that chunk whose id was stored before this write, or by an earlier row of it.
   * The chunk's ids stored by this write are the ones with a rowid above `rowidBefore`; of the rows sharing
   * an id, the first one stored it. Only re-sent results take this path.
   */
  private markNotStored(groups: readonly SeriesGroup[], gi: number, from: number, to: number, rowidBefore: number, notStored: NotStored): void {
    const group = groups[gi]!;
    const { results } = group;
    const storedByWrite = new Set(this.storedSince.all(rowidBefore, JSON.stringify(results.slice(from, to).map((r) => r.id))));
    const claimed = new Set<string>();
    for (let k = 0; k <= gi; k++) {
      const g = groups[k]!;
      const skipped = notStored.get(g);
      const end = k === gi ? from : g.results.length;
      for (let i = 0; i < end; i++) if (!skipped?.has(i)) claimed.add(g.results[i]!.id);
    }
    let skipped = notStored.get(group);
    for (let i = from; i < to; i++) {
      const { id } = results[i]!;
      if (storedByWrite.has(id) && !claimed.has(id)) {
        claimed.add(id);
        continue;
      }
      if (!skipped) {
        skipped = new Set();
        notStored.set(group, skipped);
      }
      skipped.add(i);
    }
  }

  /** The insert of `rows` points in one statement: one call into SQLite per series of a request instead of one per result. */
  private pointsInsert(rows: number): Database.Statement<[unknown[]]> {
    let statement = this.insertPoints.get(rows);
    if (!statement) {
      statement = this.client.prepare<[unknown[]]>(
        `insert into check_result_points (series_id, ts, id, check_type, reachable, latency_ms, result, received_at)
         values ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} on conflict do nothing`,
      );
      this.insertPoints.set(rows, statement);
    }
    return statement;
  }

  /** The series id of the group: cached, committed in the database, or created now (`created`: by this write, not cached yet). */
  private seriesId(g: SeriesGroup, created: Map<string, number>): number {
    const cached = this.series.of(g);
    if (cached !== undefined) return cached;
    // Only on a miss: the key is a new 110-character string to build and hash.
    const key = seriesKey(g);
    const known = created.get(key);
    if (known !== undefined) return known;
    const row = this.selectSeries.get(g.tenantId, g.endpointId, g.agentId);
    if (row) {
      this.series.committed(g, row.id);
      return row.id;
    }
    const id = Number(this.insertSeries.run(g.tenantId, g.endpointId, g.agentId).lastInsertRowid);
    created.set(key, id);
    return id;
  }
}

/** Per item, how many of its results were stored: its results are found in their groups in the order `seriesGroups` put them there. */
function storedPerItem(items: readonly IngestItem[], groups: readonly SeriesGroup[], notStored: NotStored): number[] {
  const byKey = new Map(groups.map((g) => [seriesKey(g), { skipped: notStored.get(g), next: 0 }]));
  return items.map((item) => {
    let n = 0;
    for (const r of item.results ?? []) {
      const g = byKey.get(seriesKey(r))!;
      if (!g.skipped?.has(g.next)) n++;
      g.next++;
    }
    return n;
  });
}

function toState(key: { agentId: string; endpointId: string }, r: StateRow): EndpointState {
  return {
    tenantId: r.tenant_id,
    agentId: key.agentId,
    endpointId: key.endpointId,
    reachable: r.reachable === 1,
    latencyMs: r.latency_ms,
    checkType: r.check_type,
    resultId: r.result_id,
    checkedAt: new Date(r.checked_at),
    changedAt: new Date(r.changed_at),
  };
}
