/** Port for reading check results: deduplication, the current state per agent, result listings and reachability reports. */
import type { CheckResultRow, EndpointState, ReportBucket } from '../../domain/check-result.ts';

export interface ReportQuery {
  tenantId: string;
  /** The endpoint and the agent-local endpoints linked to it. */
  endpointIds: readonly string[];
  agentId?: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Bucket width; buckets are aligned to the epoch. */
  stepMs: number;
}

export interface ResultListQuery {
  tenantId: string;
  /** The endpoint and the agent-local endpoints linked to it. */
  endpointIds: readonly string[];
  agentId?: string;
  reachable?: boolean;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Continue after this result (exclusive): results checked before `ts`, or at `ts` with a smaller id. */
  after?: { ts: Date; id: string };
  limit: number;
}

/** What `storedAmong` needs of a result. */
export interface StoredCandidate {
  id: string;
  endpointId: string;
  ts: Date;
}

export interface ResultRepository {
  /** Which of `ids` are stored already for the tenant. */
  existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
  /**
   * Which of one agent's results are stored already. The agent's endpoint states are read first: a result
   * checked after the newest one stored for its endpoint cannot be stored (see `mayBeStored`), so only the
   * others are looked up by id, and a batch of fresh results costs one small read instead of an index
   * probe per result.
   */
  storedAmong(tenantId: string, agentId: string, results: readonly StoredCandidate[]): Promise<Set<string>>;
  /** Current state per agent for the endpoints, by agent id then endpoint id. */
  states(tenantId: string, endpointIds: readonly string[]): Promise<EndpointState[]>;
  /**
   * At most `limit` results, newest first: by check time, then by id (lower-case UUIDs compare the same
   * as text and as bytes, so both dialects give one order).
   */
  list(query: ResultListQuery): Promise<CheckResultRow[]>;
  /** Non-empty buckets, oldest first; latency figures over reachable results with a latency (nearest-rank percentiles). */
  report(query: ReportQuery): Promise<ReportBucket[]>;
  /**
   * Retention: deletes results (of every tenant) checked before `before`, and minute rollups of minutes
   * before it, in batches of at most `batch` rows per statement. Returns the results deleted.
   */
  prune(before: Date, batch: number): Promise<number>;
}
