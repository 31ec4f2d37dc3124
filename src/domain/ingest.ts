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
}

export interface IngestWriteResult {
  /** Samples newly stored (a sample already stored, e.g. after a redelivery, is skipped). */
  samplesWritten: number;
  inventoriesWritten: number;
  changesWritten: number;
}
