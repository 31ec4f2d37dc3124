/**
 * Checks one item of a Smotra result batch by hand (the batch schema accepts any object per item, so that
 * one bad item does not refuse the batch) and pulls out what reports need: reachable, and a latency.
 * Field names are Smotra's (snake_case); extra fields are ignored, as the agent's serde models do.
 */
import { RESULT_CHECK_TYPES, type ResultCheckType } from '../../domain/check-result.ts';

export interface ParsedResult {
  id: string;
  agentId: string;
  endpointId: string;
  checkType: ResultCheckType;
  ts: number;
  reachable: boolean;
  latencyMs: number | null;
  result: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 3339 with an offset, as chrono parses it (no offset: refused, like the agent would). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const optMs = (v: unknown): boolean => v === undefined || v === null || isMs(v);
const optText = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';

/** Reachable and latency from a variant's result, or null when the result is malformed for its type. */
function figures(type: ResultCheckType, r: Obj): { reachable: boolean; latencyMs: number | null } | null {
  switch (type) {
    case 'ping': {
      const lat = r.success_latencies;
      if (typeof r.resolved_ip !== 'string' || !isCount(r.successes) || !isCount(r.failures) || !Array.isArray(lat) || !lat.every(isMs)) return null;
      if (!(r.error_details === undefined || r.error_details === null || isObj(r.error_details))) return null;
      const reachable = r.successes > 0;
      return { reachable, latencyMs: reachable && lat.length > 0 ? lat.reduce((a: number, b: number) => a + b, 0) / lat.length : null };
    }
    case 'traceroute':
      if (typeof r.target_reached !== 'boolean' || !Array.isArray(r.hops) || !optMs(r.total_time_ms)) return null;
      return { reachable: r.target_reached, latencyMs: r.target_reached ? ((r.total_time_ms as number | null | undefined) ?? null) : null };
    case 'tcpconnect':
      if (typeof r.connected !== 'boolean' || !optMs(r.connect_time_ms) || !optText(r.error)) return null;
      return { reachable: r.connected, latencyMs: r.connected ? ((r.connect_time_ms as number | null | undefined) ?? null) : null };
    case 'udpconnect':
      if (typeof r.probe_successful !== 'boolean' || !optMs(r.response_time_ms) || !optText(r.error)) return null;
      return { reachable: r.probe_successful, latencyMs: r.probe_successful ? ((r.response_time_ms as number | null | undefined) ?? null) : null };
    case 'httpget':
    case 'plugin':
      if (typeof r.success !== 'boolean' || !optMs(r.response_time_ms) || !optText(r.error)) return null;
      if (type === 'plugin' && typeof r.plugin_name !== 'string') return null;
      return { reachable: r.success, latencyMs: r.success ? ((r.response_time_ms as number | null | undefined) ?? null) : null };
  }
}

/**
 * Ids already checked in this batch, lower-cased: an agent's batch repeats its own agent id and a handful of
 * endpoint ids in every item, so each distinct string is tested once.
 */
export type UuidMemo = Map<string, string>;

/** `v` lower-cased when it is a UUID, else null (`memo` remembers the ones that are). */
function uuid(v: unknown, memo: UuidMemo): string | null {
  if (typeof v !== 'string') return null;
  const known = memo.get(v);
  if (known !== undefined) return known;
  if (!UUID.test(v)) return null;
  const lower = v.toLowerCase();
  memo.set(v, lower);
  return lower;
}

/** The item as a result, or a short reason why it is malformed. */
export function parseResult(item: unknown, memo: UuidMemo = new Map()): ParsedResult | { malformed: string } {
  if (!isObj(item)) return { malformed: 'not an object' };
  const { id, agent_id, endpoint_id, check_type, timestamp } = item;
  // Result ids are all different: no memo.
  if (typeof id !== 'string' || !UUID.test(id)) return { malformed: 'id is not a UUID' };
  const agentId = uuid(agent_id, memo);
  if (agentId === null) return { malformed: 'agent_id is not a UUID' };
  const endpointId = uuid(endpoint_id, memo);
  if (endpointId === null) return { malformed: 'endpoint_id is not a UUID' };
  const ts = typeof timestamp === 'string' && RFC3339.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ts)) return { malformed: 'timestamp is not RFC 3339 with an offset' };
  if (!isObj(check_type) || !isObj(check_type.result)) return { malformed: 'check_type is not {type, result}' };
  const type = check_type.type;
  if (typeof type !== 'string' || !(RESULT_CHECK_TYPES as readonly string[]).includes(type)) return { malformed: `unknown check_type ${String(type)}` };
  const f = figures(type as ResultCheckType, check_type.result);
  if (!f) return { malformed: `${type} result does not have the fields of its type` };
  return { id: id.toLowerCase(), agentId, endpointId, checkType: type as ResultCheckType, ts, reachable: f.reachable, latencyMs: f.latencyMs, result: check_type.result };
}
