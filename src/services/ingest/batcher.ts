/**
 * Group commit. Requests queue their items; one flush at a time writes up to `flushMaxRows` rows in one
 * transaction and then resolves every request of that batch, so each 202 follows its commit. A flush
 * starts `flushIntervalMs` after the first item arrives (or at once when a batch is full); items arriving
 * while a flush runs form the next batch. A failed batch is retried item by item, so one bad item fails
 * only its own request. When more than `maxQueueRows` rows wait, new items are refused (503).
 */
import type { Logger } from '../../observability/logger.ts';
import type { IngestMetrics } from '../../observability/ingest-metrics.ts';
import type { IngestItem, IngestWriteResult } from '../../repositories/types.ts';
import { UnavailableError } from '../errors.ts';
import { itemRows, type BatchWriter, type IngestSink } from './sink.ts';

export interface BatcherOptions {
  flushIntervalMs: number;
  flushMaxRows: number;
  maxQueueRows: number;
  retryAfterSec: number;
}

interface Pending {
  item: IngestItem;
  rows: number;
  enqueuedAt: number;
  resolve(): void;
  reject(err: Error): void;
}

export class IngestBatcher implements IngestSink {
  private readonly write: BatchWriter;
  private readonly options: BatcherOptions;
  private readonly metrics: IngestMetrics;
  private readonly log: Logger;
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(write: BatchWriter, options: BatcherOptions, metrics: IngestMetrics, log: Logger) {
    this.write = write;
    this.options = options;
    this.metrics = metrics;
    this.log = log;
  }

  depth(): number {
    return this.queuedRows;
  }

  submit(item: IngestItem): Promise<void> {
    if (this.closed) return Promise.reject(this.refuse('shutting_down', 'the server is shutting down'));
    const rows = itemRows(item);
    if (this.queuedRows + rows > this.options.maxQueueRows && this.queue.length > 0) {
      return Promise.reject(this.refuse('queue_full', `the ingestion queue is full (${this.queuedRows} rows waiting)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, rows, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.queue.length > 0) await (this.flushing ?? this.flush());
  }

  private refuse(reason: string, message: string): UnavailableError {
    this.metrics.backPressure.inc({ reason });
    return new UnavailableError(message, this.options.retryAfterSec);
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush loops until the queue is empty
    if (this.queuedRows >= this.options.flushMaxRows || this.options.flushIntervalMs === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.flushIntervalMs);
    }
  }

  private flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      await this.commit(batch);
    }
  }

  /** The oldest items up to `flushMaxRows` rows (always at least one). */
  private take(): Pending[] {
    let rows = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || rows + this.queue[n]!.rows <= this.options.flushMaxRows)) rows += this.queue[n++]!.rows;
    const batch = this.queue.slice(0, n);
    this.queue = this.queue.slice(n);
    this.queuedRows -= rows;
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.write(batch.map((p) => p.item));
      this.recordCommit(batch, result, started);
      for (const p of batch) p.resolve();
    } catch (err) {
      this.metrics.batchFailures.inc();
      if (batch.length === 1) {
        this.log.error({ err, agentId: batch[0]!.item.agentId }, 'ingestion write failed');
        batch[0]!.reject(this.refuse('write_failed', 'the data could not be stored; retry later'));
        return;
      }
      this.log.warn({ err, requests: batch.length }, 'ingestion batch failed; retrying its requests one by one');
      for (const p of batch) await this.commit([p]);
    }
  }

  private recordCommit(batch: Pending[], result: IngestWriteResult, started: number): void {
    const now = performance.now();
    this.metrics.flushSeconds.observe((now - started) / 1000);
    this.metrics.batchRequests.observe(batch.length);
    this.metrics.batchRows.observe(batch.reduce((n, p) => n + p.rows, 0));
    if (result.samplesWritten) this.metrics.rowsPersisted.inc({ kind: 'sample' }, result.samplesWritten);
    if (result.inventoriesWritten) this.metrics.rowsPersisted.inc({ kind: 'snapshot' }, result.inventoriesWritten);
    if (result.changesWritten) this.metrics.rowsPersisted.inc({ kind: 'change' }, result.changesWritten);
    for (const p of batch) this.metrics.ackSeconds.observe((now - p.enqueuedAt) / 1000);
  }
}
