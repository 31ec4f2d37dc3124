import type { CheckResultRow, EndpointState } from './check-result.ts';
import type { NewEvent } from './event.ts';
/** What the ingestion pipeline writes: one item per accepted request, written in batches. */
import type { InventorySubmission } from './inventory.ts';
import type { TelemetryRow } from './telemetry.ts';

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

export interface IngestWriteResult {
  /** Samples newly stored (a sample already stored, e.g. after a redelivery, is skipped). */
  samplesWritten: number;
  inventoriesWritten: number;
  changesWritten: number;
  /** Check results newly stored (one already stored under its id is skipped). */
  resultsWritten?: number;
  /** Per item, in order: how many of its check results were newly stored (set when the batch had results). */
  resultsStored?: number[];
}

/**
 * The business rule on reachability, passed in by the service like InventoryDiffer: told the stored state of
 * an agent + endpoint (null before its first result) and the newer one about to replace it, it returns the
 * event to publish in the same transaction (`endpoint_unreachable` / `endpoint_reachable`), or null.
 * `managedEndpointId` is the managed endpoint an agent-local endpoint is linked to, when it is.
 */
export type ReachabilityRule = (previous: EndpointState | null, next: EndpointState, managedEndpointId: string | null) => NewEvent | null;
