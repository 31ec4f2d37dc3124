/**
 * The check-result part of the SQLite ingestion write, inside the batch's immediate transaction: results
 * (skipping ids already stored) under their series' integer id (created on first sight) and their per-minute rollups, agent-local endpoints for ids the tenant does not know, the current
 * state per agent + endpoint and the reachability events. Statements are prepared once (hot path).
 */
import type Database from 'better-sqlite3';
import type { EndpointState, ResultCheckType } from '../../domain/check-result.ts';
import type { IngestItem, ReachabilityRule } from '../../domain/ingest.ts';
import type { NewEvent } from '../../domain/event.ts';
import { encodeLatencies, localEndpointName, MINUTE_MS, nextState, SeriesCache, seriesKey, storedPerItem } from '../shared/check-results.ts';
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

export class SqliteCheckResultWriter {
  private readonly client: Database.Database;
  /** Multi-row inserts by row count, prepared on first use (at most POINTS_PER_INSERT of them). */
  private readonly insertPoints = new Map<number, Database.Statement<[unknown[]], string>>();
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
    const storedIds = new Set<string>();
    const created = new Map<string, number>();
    for (const g of groups) {
      const series = this.seriesId(g, created);
      // The group's newly stored results rolled up per minute as they are inserted.
      const minutes = new Map<number, { checks: number; successes: number; latencies: number[] }>();
      const { results } = g;
      for (let from = 0; from < results.length; from += POINTS_PER_INSERT) {
        const to = Math.min(results.length, from + POINTS_PER_INSERT);
        const params: unknown[] = [];
        for (let i = from; i < to; i++) {
          const r = results[i]!;
          params.push(series, r.ts.getTime(), r.id, r.checkType, r.reachable ? 1 : 0, r.latencyMs, JSON.stringify(r.result), r.receivedAt.getTime());
        }
        // The ids this statement stored (`returning` leaves out the ones skipped on conflict); an id
        // repeated in the chunk was stored by its first row.
        const inserted = new Set(this.pointsInsert(to - from).all(params));
        for (let i = from; i < to; i++) {
          const r = results[i]!;
          if (!inserted.delete(r.id)) continue;
          storedIds.add(r.id);
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
    return { written: storedIds.size, perItem: storedPerItem(items, storedIds), events };
  }

  /** The insert of `rows` points in one statement: one call into SQLite per series of a request instead of one per result. */
  private pointsInsert(rows: number): Database.Statement<[unknown[]], string> {
    let statement = this.insertPoints.get(rows);
    if (!statement) {
      statement = this.client
        .prepare<[unknown[]], string>(
          `insert into check_result_points (series_id, ts, id, check_type, reachable, latency_ms, result, received_at)
           values ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} on conflict do nothing returning id`,
        )
        .pluck();
      this.insertPoints.set(rows, statement);
    }
    return statement;
  }

  /** The series id of the group: cached, committed in the database, or created now (`created`: by this write, not cached yet). */
  private seriesId(g: SeriesGroup, created: Map<string, number>): number {
    const key = seriesKey(g);
    const known = this.series.get(key) ?? created.get(key);
    if (known !== undefined) return known;
    const row = this.selectSeries.get(g.tenantId, g.endpointId, g.agentId);
    if (row) {
      this.series.committed(key, row.id);
      return row.id;
    }
    const id = Number(this.insertSeries.run(g.tenantId, g.endpointId, g.agentId).lastInsertRowid);
    created.set(key, id);
    return id;
  }
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
