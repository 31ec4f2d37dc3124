/**
 * A write's check results grouped by series (tenant, agent, endpoint id as reported), so that what is done
 * once per series (its id, minute rollups, the endpoint state, the agent-local endpoint) costs one lookup
 * per series instead of a string key per result. Both dialects' writes use it.
 */
import { CHECK_TYPES, type CheckType } from '../../domain/endpoint.ts';
import type { CheckResultRow, EndpointState } from '../../domain/check-result.ts';
import type { IngestItem } from '../../domain/ingest.ts';
import type { ReportedEndpoint } from './check-results.ts';

export interface SeriesGroup {
  tenantId: string;
  agentId: string;
  endpointId: string;
  /** The series' results in batch order. */
  results: CheckResultRow[];
  /** Position of the group's first result in the batch: the first reporter of an endpoint wins. */
  first: number;
}

/** The series of the batch's results, in order of first appearance. */
export function seriesGroups(items: readonly IngestItem[]): SeriesGroup[] {
  const groups: SeriesGroup[] = [];
  const byTenant = new Map<string, Map<string, Map<string, SeriesGroup>>>();
  let position = 0;
  for (const item of items) {
    for (const r of item.results ?? []) {
      let byAgent = byTenant.get(r.tenantId);
      if (!byAgent) {
        byAgent = new Map();
        byTenant.set(r.tenantId, byAgent);
      }
      let byEndpoint = byAgent.get(r.agentId);
      if (!byEndpoint) {
        byEndpoint = new Map();
        byAgent.set(r.agentId, byEndpoint);
      }
      let g = byEndpoint.get(r.endpointId);
      if (!g) {
        g = { tenantId: r.tenantId, agentId: r.agentId, endpointId: r.endpointId, results: [], first: position };
        byEndpoint.set(r.endpointId, g);
        groups.push(g);
      }
      g.results.push(r);
      position++;
    }
  }
  return groups;
}

const byKey = <T>(entries: [string, T][]): T[] => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/** One entry per (tenant, endpoint id) reported, in key order; the reporter is the agent whose result came first. */
export function reportedEndpoints(groups: readonly SeriesGroup[]): ReportedEndpoint[] {
  const seen = new Map<string, SeriesGroup>();
  for (const g of groups) {
    const key = `${g.tenantId}/${g.endpointId}`;
    const other = seen.get(key);
    if (!other || g.first < other.first) seen.set(key, g);
  }
  return byKey([...seen.entries()]).map((g) => {
    const r = g.results[0]!;
    const checkType = (CHECK_TYPES as readonly string[]).includes(r.checkType) ? (r.checkType as CheckType) : null;
    return { tenantId: g.tenantId, endpointId: g.endpointId, agentId: g.agentId, checkType, at: r.receivedAt };
  });
}

/** The newest result of each series (ties: the first) as its candidate state, in (agent, endpoint) order. */
export function newestStates(groups: readonly SeriesGroup[]): EndpointState[] {
  return byKey(
    groups.map((g): [string, EndpointState] => {
      let newest = g.results[0]!;
      for (const r of g.results) if (r.ts.getTime() > newest.ts.getTime()) newest = r;
      const state = {
        tenantId: newest.tenantId,
        agentId: newest.agentId,
        endpointId: newest.endpointId,
        reachable: newest.reachable,
        latencyMs: newest.latencyMs,
        checkType: newest.checkType,
        resultId: newest.id,
        checkedAt: newest.ts,
        changedAt: newest.ts,
      };
      return [`${g.agentId}/${g.endpointId}`, state];
    }),
  );
}
