/**
 * Ingestion writes on a writer thread. better-sqlite3 is synchronous: on the request thread, every batch's
 * inserts and its commit (an fsync with `synchronous=FULL`) stop all request handling until they end. Here a
 * worker thread owns a second connection to the same WAL database and writes each batch there, while the
 * request thread goes on validating the next requests; reads stay on the main connection and see a batch
 * as soon as it has committed. A batch crosses as one message (samples as columns: ingest-transfer.ts), and the answer comes
 * back after the commit, so a 202 still follows its commit.
 *
 * The server starts the thread with the ingestion pipeline and waits for it (`ready`): loading its modules
 * takes a while on a busy machine, which the first requests must not wait for. Commands that open the
 * database never start it. When it dies, the
 * batches it held fail (the batcher answers 503 and retries them one by one, which starts a new thread);
 * writes are idempotent (samples and results skip what is stored, an inventory already stored makes no
 * diff), so a batch committed just before a crash and written again stores nothing twice.
 */
import { Worker } from 'node:worker_threads';
import type { CommittedEvents } from '../../domain/event.ts';
import type { IngestItem, IngestWriteResult } from '../../domain/ingest.ts';
import { encodeBatch, type EncodedBatch } from './ingest-transfer.ts';
import { WriteGate } from './write-gate.ts';

/** What the writer thread is started with (its `workerData`). */
export interface IngestThreadConfig {
  url: string;
  busyTimeoutMs: number;
  synchronous: 'full' | 'normal';
  /** Its connection's page cache (`database.sqliteCacheMb`, as the request thread's). */
  cacheMb?: number;
  /** The WriteGate's memory, shared with the request thread's connection (absent: the thread writes without taking turns). */
  gate?: SharedArrayBuffer;
}

/** Thread → request thread: one answer per batch (and `ready` once its connection is open). */
export type IngestThreadAnswer = { id: number; result: IngestWriteResult; committed: CommittedEvents[] } | { id: number; error: string } | { ready: true };

/** Request thread → thread: one batch, or 'stop'. */
export interface IngestThreadBatch {
  id: number;
  batch: EncodedBatch;
}

interface Waiting {
  resolve(result: IngestWriteResult): void;
  reject(err: Error): void;
}

export class IngestWriterThread {
  private readonly module: URL;
  private readonly config: IngestThreadConfig;
  private readonly onCommitted: (result: IngestWriteResult, committed: CommittedEvents[]) => void;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private stopped: Promise<void> | undefined;
  /** Threads started so far (1 once the first batch went out; more after a crash). */
  starts = 0;

  constructor(module: URL, config: IngestThreadConfig, onCommitted: (result: IngestWriteResult, committed: CommittedEvents[]) => void) {
    this.module = module;
    this.config = config;
    this.onCommitted = onCommitted;
  }

  /** Starts the thread (when none runs) and resolves once its connection is open. */
  ready(): Promise<void> {
    const worker = this.worker ?? this.start();
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: IngestThreadAnswer) => {
        if (!('ready' in m)) return;
        worker.off('exit', onExit);
        worker.off('message', onMessage);
        resolve();
      };
      const onExit = (code: number) => {
        worker.off('message', onMessage);
        reject(new Error(`the ingestion writer thread exited at start (code ${code})`));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });
  }

  writeBatch(items: readonly IngestItem[]): Promise<IngestWriteResult> {
    if (this.stopped) return Promise.reject(new Error('the ingestion writer thread is stopped'));
    const batch = encodeBatch(items);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<IngestWriteResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, batch } satisfies IngestThreadBatch, [batch.numbers.buffer, batch.indexes.buffer]);
    });
  }

  /** Call once nothing more will be written (the batcher has flushed): the thread closes its connection and ends. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const worker = this.worker;
      if (!worker) {
        resolve();
        return;
      }
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    });
    return this.stopped;
  }

  private start(): Worker {
    // Its allocations are a batch at a time (~100 KB): a small young generation, not the server's semi-spaces.
    const worker = new Worker(this.module, { workerData: this.config, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.starts++;
    this.worker = worker;
    worker.on('message', (answer: IngestThreadAnswer) => this.answer(answer));
    worker.on('error', (err) => this.fail(worker, `the ingestion writer thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(worker, `the ingestion writer thread exited (code ${code})`));
    return worker;
  }

  private answer(answer: IngestThreadAnswer): void {
    if ('ready' in answer) return;
    const waiting = this.waiting.get(answer.id);
    if (!waiting) return;
    this.waiting.delete(answer.id);
    if ('error' in answer) {
      waiting.reject(new Error(answer.error));
      return;
    }
    this.onCommitted(answer.result, answer.committed);
    waiting.resolve(answer.result);
  }

  /** A dead thread fails every batch it held; the next batch starts a new one. */
  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.config.gate) new WriteGate(0, this.config.gate).writerThreadDied();
    for (const waiting of this.waiting.values()) waiting.reject(new Error(message));
    this.waiting.clear();
  }
}
