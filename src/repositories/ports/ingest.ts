import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';
import type { InventoryDiffer } from '../../domain/inventory.ts';

export interface IngestRepository {
  /**
   * Writes every item in one transaction: samples (insert, skipping any already stored), the latest value
   * per agent + metric + labels (replaced only by a strictly newer sample, so it stays the stored sample with
   * the greatest time), inventory snapshots (replacing the current one when newer) with their
   * software rows, change history and events. Idempotent: writing the same items again stores nothing new.
   */
  writeBatch(items: readonly IngestItem[], diff: InventoryDiffer): Promise<IngestWriteResult>;
}
