/** Telemetry samples as stored, and the shapes of the telemetry reads. */

/** One metric sample as stored. `labelsKey` is the canonical form of `labels` and part of the sample's identity. */
export interface TelemetryRow {
  tenantId: string;
  agentId: string;
  metric: string;
  ts: Date;
  value: number;
  labels: Record<string, string>;
  labelsKey: string;
}

export type TelemetryAggregate = 'avg' | 'min' | 'max' | 'last';

export interface TelemetryRangeQuery {
  tenantId: string;
  agentId: string;
  metric: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Bucket width: a positive integer (a RangeError otherwise). */
  stepMs: number;
  agg: TelemetryAggregate;
}

export interface TelemetryPoint {
  /** Bucket start: from + k × step. */
  ts: Date;
  value: number;
  /** Samples in the bucket. */
  count: number;
}

export interface LatestSample {
  metric: string;
  labels: Record<string, string>;
  value: number;
  ts: Date;
}

export type TelemetryStorageMode = 'table' | 'partitions' | 'timescaledb';

/** Size of the sample store, cheap to read (from statistics, not a count of every row). */
export interface TelemetryStorageStats {
  mode: TelemetryStorageMode;
  /** Samples stored, estimated: Postgres' live-tuple statistics; on SQLite the span of row ids. */
  rows: number;
  /** Daily partitions (with the default partition) or TimescaleDB chunks; 0 for a single table. */
  partitions: number;
}
