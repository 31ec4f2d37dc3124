/** Dialect-independent pieces of the check-result write and reads. */
import type { CheckType } from '../../domain/endpoint.ts';
import type { CheckResultRow, EndpointState } from '../../domain/check-result.ts';
import type { IngestItem } from '../../domain/ingest.ts';
import { PerAgentIds } from './per-agent-ids.ts';

export const resultsOf = (items: readonly IngestItem[]): CheckResultRow[] => items.flatMap((i) => i.results ?? []);

/**
 * Per item, how many of its results were newly stored, from the ids the write stored. An id two items of
 * the batch share (an agent re-sending while its first attempt waits) was stored once: it counts for the first.
 */
export function storedPerItem(items: readonly IngestItem[], storedIds: ReadonlySet<string>): number[] {
  const unclaimed = new Set(storedIds);
  return items.map((item) => {
    let n = 0;
    for (const r of item.results ?? []) if (unclaimed.delete(r.id)) n++;
    return n;
  });
}

/**
 * The ids of the results that may be stored already, given the time of the newest result stored per
 * endpoint (`newest`: the agent's endpoint states, in ms). A state is written in the transaction that
 * stores its results and only ever moves forward (`nextState`), and states are never deleted, so every
 * stored result of an endpoint was checked at or before its state's time: a result checked later is new.
 * (A result re-sent under another endpoint id than its first attempt's may then count as new; it is still
 * stored once, its id being unique.)
 */
export function mayBeStored(results: readonly { id: string; endpointId: string; ts: Date }[], newest: ReadonlyMap<string, number>): string[] {
  const ids: string[] = [];
  for (const r of results) {
    const at = newest.get(r.endpointId);
    if (at !== undefined && r.ts.getTime() <= at) ids.push(r.id);
  }
  return ids;
}

/** The key of a result's series (tenant, endpoint id as reported, agent). */
export const seriesKey = (r: { tenantId: string; endpointId: string; agentId: string }): string => `${r.tenantId}/${r.endpointId}/${r.agentId}`;

/**
 * Series ids known to be committed (by tenant, agent and endpoint id), so a write asks the database only
 * for series it has not seen. An id a write creates is not added (its transaction may still roll back); the
 * next write that meets the series reads it back committed. Series rows are never deleted, so a cached id
 * stays right.
 */
export class SeriesCache extends PerAgentIds {
  constructor(limit = 200_000) {
    super(limit);
  }

  of(r: { tenantId: string; endpointId: string; agentId: string }): number | undefined {
    return this.get(r.tenantId, r.agentId, r.endpointId);
  }

  committed(r: { tenantId: string; endpointId: string; agentId: string }, id: number): void {
    this.set(r.tenantId, r.agentId, r.endpointId, id);
  }
}

/** An endpoint id as some agent of a tenant reported it: the row an agent-local endpoint starts from. */
export interface ReportedEndpoint {
  tenantId: string;
  endpointId: string;
  agentId: string;
  checkType: CheckType | null;
  at: Date;
}

/** The state to store: `next` with `changedAt` carried over while reachability stays the same; null when `next` is not newer. */
export function nextState(previous: EndpointState | null, next: EndpointState): EndpointState | null {
  if (!previous) return next;
  if (next.checkedAt.getTime() <= previous.checkedAt.getTime()) return null;
  return previous.reachable === next.reachable ? { ...next, changedAt: previous.changedAt } : next;
}

/** Name and address of an agent-local endpoint until an operator describes it: its id. */
export const localEndpointName = (endpointId: string): string => `agent-local ${endpointId}`;

export const MINUTE_MS = 60_000;

/** A per-minute rollup row: what a batch adds to (endpoint, agent, minute). */
export interface MinuteRollup {
  tenantId: string;
  endpointId: string;
  agentId: string;
  minute: Date;
  checks: number;
  successes: number;
  /** Latencies of the reachable results that have one, as little-endian float64s. */
  latencies: Buffer;
}

/** Rolls newly stored results up per (endpoint, minute, agent), in key order (row locks in one order). */
export function minuteRollups(stored: readonly CheckResultRow[]): MinuteRollup[] {
  const groups = new Map<string, { r: CheckResultRow; minute: number; checks: number; successes: number; latencies: number[] }>();
  for (const r of stored) {
    const minute = Math.floor(r.ts.getTime() / MINUTE_MS) * MINUTE_MS;
    const key = `${r.endpointId}/${String(minute).padStart(15, '0')}/${r.agentId}`;
    let g = groups.get(key);
    if (!g) {
      g = { r, minute, checks: 0, successes: 0, latencies: [] };
      groups.set(key, g);
    }
    g.checks++;
    if (!r.reachable) continue;
    g.successes++;
    if (r.latencyMs !== null) g.latencies.push(r.latencyMs);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      tenantId: g.r.tenantId,
      endpointId: g.r.endpointId,
      agentId: g.r.agentId,
      minute: new Date(g.minute),
      checks: g.checks,
      successes: g.successes,
      latencies: encodeLatencies(g.latencies),
    }));
}

export function encodeLatencies(values: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) buf.writeDoubleLE(values[i]!, i * 8);
  return buf;
}
