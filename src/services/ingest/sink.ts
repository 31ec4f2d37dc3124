/**
 * Where accepted submissions go. `submit` resolves once the item is durable (committed by the batcher, or
 * acknowledged by JetStream) and rejects with UnavailableError (503 + Retry-After) when the pipeline is
 * full, shutting down or cannot store it; it never drops an item silently.
 */
import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';

export interface IngestSink {
  submit(item: IngestItem): Promise<void>;
  /** Rows (or messages) accepted but not yet written to the database. */
  depth(): number | Promise<number>;
  /** Refuses new items, writes what is queued, and resolves when done. */
  close(): Promise<void>;
}

/** Writes one batch in one transaction (IngestRepository.writeBatch with the inventory differ). */
export type BatchWriter = (items: readonly IngestItem[]) => Promise<IngestWriteResult>;

/**
 * Rows an item costs in the queue and in a transaction: its samples and results plus its snapshot (at least 1). A
 * snapshot also rewrites the agent's software rows; a hundred packages count as one more row.
 */
export const itemRows = (item: IngestItem): number => Math.max(1, item.samples.length + (item.results?.length ?? 0) + (item.inventory ? 1 + item.inventory.software.length / 100 : 0));
