/**
 * Group commit. Requests queue their items; a flush writes up to `flushMaxRows` rows in one transaction
 * and then resolves every request of that batch, so each 202 follows its commit. A flush starts
 * `flushIntervalMs` after the first item arrives (or at once when a batch is full); items arriving while
 * flushes run form the next batch. Up to `concurrency` flushes run at once (Postgres: their commits' disk
 * waits overlap; SQLite writes synchronously, so 1). A failed batch is retried item by item, so one bad item fails
 * only its own request. When more than `maxQueueRows` rows wait, new items are refused (503).
 */
import type { Logger } from '../../observability/logger.ts';
import type { IngestMetrics } from '../../observability/ingest-metrics.ts';
import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';
import { UnavailableError } from '../errors.ts';
import { itemRows, type BatchWriter, type IngestReceipt, type IngestSink } from './sink.ts';

export interface BatcherOptions {
  flushIntervalMs: number;
  flushMaxRows: number;
  maxQueueRows: number;
  retryAfterSec: number;
  /** Transactions in flight at once (default 1). */
  concurrency?: number;
}

interface Pending {
  item: IngestItem;
  rows: number;
  enqueuedAt: number;
  resolve(receipt: IngestReceipt): void;
  reject(err: Error): void;
}

export class IngestBatcher implements IngestSink {
  readonly reportsStoredResults = true;
  private readonly write: BatchWriter;
  private readonly options: BatcherOptions;
  private readonly metrics: IngestMetrics;
  private readonly log: Logger;
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private closed = false;

  constructor(write: BatchWriter, options: BatcherOptions, metrics: IngestMetrics, log: Logger) {
    this.write = write;
    this.options = options;
    this.metrics = metrics;
    this.log = log;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  depth(): number {
    return this.queuedRows;
  }

  submit(item: IngestItem): Promise<IngestReceipt> {
    if (this.closed) return Promise.reject(this.refuse('shutting_down', 'the server is shutting down'));
    const rows = itemRows(item);
    if (this.queuedRows + rows > this.options.maxQueueRows && this.queue.length > 0) {
      return Promise.reject(this.refuse('queue_full', `the ingestion queue is full (${this.queuedRows} rows waiting)`));
    }
    return new Promise<IngestReceipt>((resolve, reject) => {
      this.queue.push({ item, rows, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0 && this.inFlight.size < this.concurrency) this.flush();
      await Promise.race(this.inFlight);
    }
  }

  private refuse(reason: string, message: string): UnavailableError {
    this.metrics.backPressure.inc({ reason });
    return new UnavailableError(message, this.options.retryAfterSec);
  }

  /**
   * Flush now when a batch is full, else once the interval has passed. An interval of 0 flushes on the next
   * turn of the event loop: every request that arrived in this turn joins the batch, and the server never
   * sits idle waiting for a timer while requests are queued.
   */
  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight.size >= this.concurrency) return;
    if (this.queuedRows >= this.options.flushMaxRows) {
      this.cancelTimer();
      this.flush();
    } else if (!this.timer && !this.immediate) {
      if (this.options.flushIntervalMs === 0) {
        this.immediate = setImmediate(() => {
          this.immediate = undefined;
          this.flush();
        });
      } else {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, this.options.flushIntervalMs);
      }
    }
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private flush(): void {
    if (this.queue.length === 0 || this.inFlight.size >= this.concurrency) return;
    const running: Promise<void> = this.commit(this.take()).finally(() => {
      this.inFlight.delete(running);
      // What queued meanwhile has waited long enough: write it at once (both are no-ops on an empty queue).
      this.flush();
      this.schedule();
    });
    this.inFlight.add(running);
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
      for (const [i, p] of batch.entries()) p.resolve({ resultsStored: result.resultsStored?.[i] ?? 0 });
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
    if (result.resultsWritten) this.metrics.rowsPersisted.inc({ kind: 'result' }, result.resultsWritten);
    for (const p of batch) this.metrics.ackSeconds.observe((now - p.enqueuedAt) / 1000);
  }
}
