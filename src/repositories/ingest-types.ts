/**
 * Ports for inventory and telemetry: the ingestion write (one transaction per batch of requests), the
 * inventory reads (current snapshot, change history, fleet-wide software) and the telemetry reads and
 * storage maintenance (partitions ahead, retention).
 */
import type { NewEvent, Page, PageRequest } from './types.ts';

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

export interface SoftwarePackage {
  name: string;
  version: string;
}

/** A snapshot as submitted, after validation. `software` is the snapshot's package list, deduplicated by name. */
export interface InventorySubmission {
  collectedAt: Date;
  snapshot: Record<string, unknown>;
  software: SoftwarePackage[];
  /** Content hash of the snapshot (without collectedAt): an identical resubmission changes nothing. */
  hash: string;
}

/** What one accepted request asks to write. */
export interface IngestItem {
  tenantId: string;
  agentId: string;
  receivedAt: Date;
  samples: TelemetryRow[];
  inventory: InventorySubmission | null;
}

export interface StoredInventory {
  tenantId: string;
  agentId: string;
  collectedAt: Date;
  receivedAt: Date;
  snapshot: Record<string, unknown>;
  hash: string;
}

export type InventoryChangeKind = 'software_installed' | 'software_removed' | 'software_upgraded' | 'hardware_changed';

export interface InventoryChange {
  /** UUIDv7: the cursor order. */
  id: string;
  tenantId: string;
  agentId: string;
  kind: InventoryChangeKind;
  /** Package name, or the hardware section that changed (`cpu`, `memory`, `disks`, …). */
  name: string;
  /** Version or section content before and after (null when installed / removed). */
  before: unknown;
  after: unknown;
  collectedAt: Date;
  createdAt: Date;
}

/**
 * The business rule comparing snapshots, passed in by the service so that the repository runs it inside
 * the write transaction against the snapshot it read there. Returns null when `next` is not newer than
 * `previous` (a redelivered or out-of-order snapshot): nothing is written for it.
 */
export type InventoryDiffer = (previous: StoredInventory | null, next: IngestItem & { inventory: InventorySubmission }) => InventoryDiff | null;

export interface InventoryDiff {
  changes: InventoryChange[];
  /** Events for the feed, written in the same transaction (type `inventory_changed`). */
  events: NewEvent[];
}

export interface IngestWriteResult {
  /** Samples newly stored (a sample already stored, e.g. after a redelivery, is skipped). */
  samplesWritten: number;
  inventoriesWritten: number;
  changesWritten: number;
}

export interface IngestRepository {
  /**
   * Writes every item in one transaction: samples (insert, skipping any already stored), the latest value
   * per agent + metric + labels (replaced only by a strictly newer sample, so it stays the stored sample with
   * the greatest time), inventory snapshots (replacing the current one when newer) with their
   * software rows, change history and events. Idempotent: writing the same items again stores nothing new.
   */
  writeBatch(items: readonly IngestItem[], diff: InventoryDiffer): Promise<IngestWriteResult>;
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
}

export interface SoftwareVersionCount {
  version: string;
  agents: number;
}

export interface SoftwareInstall {
  agentId: string;
  name: string;
  version: string;
}

export interface SoftwareFilter {
  name: string;
  version?: string;
}

export interface InventoryRepository {
  get(tenantId: string, agentId: string): Promise<StoredInventory | null>;
  /** Newest first. `afterId` continues after that change. */
  listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>>;
  /** Agents with the package installed per version (all versions, ignoring `version`), most agents first. */
  softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]>;
  /** Agents that have the package (optionally that version), by agent id; `afterId` is an agent id. */
  softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>>;
  /** Deletes change history older than `cutoff`; returns how many rows. */
  pruneChanges(cutoff: Date): Promise<number>;
}
