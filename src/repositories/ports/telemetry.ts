import type { LatestSample, TelemetryPoint, TelemetryRangeQuery, TelemetryStorageMode, TelemetryStorageStats } from '../../domain/telemetry.ts';

export interface TelemetryRepository {
  /** Non-empty buckets only, oldest first; all series of the metric (any labels) are aggregated together. */
  range(query: TelemetryRangeQuery): Promise<TelemetryPoint[]>;
  /** The agent's latest value per metric + labels, ordered by metric. */
  latest(tenantId: string, agentId: string): Promise<LatestSample[]>;
  /** How samples are stored: one table (SQLite), daily partitions or a TimescaleDB hypertable (Postgres). */
  storageMode(): Promise<TelemetryStorageMode>;
  /**
   * Makes sure storage exists for the UTC days from the day of `from` through the day of `until` (daily
   * partitions; nothing to do on SQLite or TimescaleDB); returns the names of the partitions it created.
   */
  prepare(from: Date, until: Date): Promise<string[]>;
  /** Drops samples older than `cutoff` (whole partitions or chunks where possible); returns a description of what went. */
  prune(cutoff: Date): Promise<string[]>;
  /** Estimated samples and partitions, for the metrics and the admin stats: a catalog read, never a full count. */
  storageStats(): Promise<TelemetryStorageStats>;
}
