/**
 * Check results as stored: one row per result the agent reported (deduplicated by its id), with the two
 * figures reports need pulled out of the variant-specific body, and a current-state row per agent and endpoint.
 */
export const RESULT_CHECK_TYPES = ['ping', 'traceroute', 'tcpconnect', 'udpconnect', 'httpget', 'plugin'] as const;
export type ResultCheckType = (typeof RESULT_CHECK_TYPES)[number];

export interface CheckResultRow {
  /** The agent's result id (UUIDv7). */
  id: string;
  tenantId: string;
  agentId: string;
  /** The endpoint id as the agent reported it. */
  endpointId: string;
  checkType: ResultCheckType;
  ts: Date;
  reachable: boolean;
  /** Milliseconds; null when unreachable or not measured. */
  latencyMs: number | null;
  /** The variant's `result` object as sent. */
  result: Record<string, unknown>;
  receivedAt: Date;
}

/** The last result of one agent for one endpoint. */
export interface EndpointState {
  tenantId: string;
  agentId: string;
  endpointId: string;
  reachable: boolean;
  latencyMs: number | null;
  checkType: ResultCheckType;
  resultId: string;
  checkedAt: Date;
  /** When `reachable` last changed (the first result's time at first). */
  changedAt: Date;
}

export const AGGREGATIONS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '1d': 86_400_000 } as const;
export type Aggregation = keyof typeof AGGREGATIONS;

export interface ReportBucket {
  /** Bucket start, aligned to the epoch. */
  ts: Date;
  checks: number;
  successes: number;
  latencyAvgMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyMaxMs: number | null;
}

/** Nearest-rank percentile of ascending `sorted`: the ⌈p·n⌉-th smallest value (SQL's percentile_disc). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
