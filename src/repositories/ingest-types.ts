/**
 * Ports for inventory and telemetry: the ingestion write (one transaction per batch of requests), the
 * inventory reads (current snapshot, change history, fleet-wide software) and the telemetry reads and
 * storage maintenance (partitions ahead, retention).
 */
import type { CheckResultRow, EndpointState } from '../domain/check-result.ts';
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
  /** Check results (Smotra result batches); absent on inventory and telemetry submissions. */
  results?: CheckResultRow[];
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
  /** Check results newly stored (one already stored under its id is skipped). */
  resultsWritten?: number;
}

/**
 * The business rule on reachability, passed in by the service like InventoryDiffer: told the stored state of
 * an agent + endpoint (null before its first result) and the newer one about to replace it, it returns the
 * event to publish in the same transaction (`endpoint_unreachable` / `endpoint_reachable`), or null.
 * `managedEndpointId` is the managed endpoint an agent-local endpoint is linked to, when it is.
 */
export type ReachabilityRule = (previous: EndpointState | null, next: EndpointState, managedEndpointId: string | null) => NewEvent | null;

export interface IngestRepository {
  /**
   * Writes every item in one transaction: samples (insert, skipping any already stored), the latest value
   * per agent + metric + labels (replaced only by a strictly newer sample, so it stays the stored sample with
   * the greatest time), inventory snapshots (replacing the current one when newer) with their
   * software rows, change history and events; check results (insert, skipping ids already stored), an
   * agent-local endpoint for every endpoint id the tenant does not know, the current state per agent +
   * endpoint (replaced only by a newer result) and reachability events. Idempotent: writing the same items again stores nothing new.
   */
  writeBatch(items: readonly IngestItem[], diff: InventoryDiffer, reachability?: ReachabilityRule): Promise<IngestWriteResult>;
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
