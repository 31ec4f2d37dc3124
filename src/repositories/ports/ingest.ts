import type { IngestItem, IngestWriteResult, ReachabilityRule } from '../../domain/ingest.ts';
import type { InventoryDiffer } from '../../domain/inventory.ts';

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
