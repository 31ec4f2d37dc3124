/**
 * Where accepted submissions go. `submit` resolves once the item is durable (committed by the batcher, or
 * acknowledged by JetStream) and rejects with UnavailableError (503 + Retry-After) when the pipeline is
 * full, shutting down or cannot store it; it never drops an item silently.
 */
import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';
import type { ConsumerBacklog } from '../../observability/ingest-metrics.ts';

/** What a sink knows once an item is durable. */
export interface IngestReceipt {
  /** How many of the item's check results were newly stored; null when the sink acknowledges before the write (JetStream). */
  resultsStored: number | null;
}

export interface IngestSink {
  /**
   * True when `submit` resolves after the database write and reports what it stored, so callers need not
   * look up duplicates beforehand.
   */
  readonly reportsStoredResults: boolean;
  submit(item: IngestItem): Promise<IngestReceipt>;
  /** Rows (or messages) accepted but not yet written to the database. */
  depth(): number | Promise<number>;
  /** The JetStream consumer's backlog (JetStream sinks only; NaN while NATS does not answer). */
  backlog?(): Promise<ConsumerBacklog>;
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
