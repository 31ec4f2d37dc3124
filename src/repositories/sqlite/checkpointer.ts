/**
 * WAL checkpoints off the request thread. better-sqlite3 is synchronous: with SQLite's automatic
 * checkpoints, the commit that crosses `wal_autocheckpoint` copies pages into the database file and fsyncs
 * it while every request waits (measured: ingestion writes cost 2–3× more per row). The main connection
 * turns automatic checkpoints off and a worker thread checkpoints on its own connection instead.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { projectPath } from '../../project-root.ts';

/** What checkpoint-worker.js reads from its workerData. */
export interface CheckpointWorkerOptions {
  path: string;
  intervalMs: number;
  /** WAL frames above which a RESTART checkpoint is attempted. */
  restartAbovePages: number;
  busyTimeoutMs: number;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(client: Database.Database, path: string, busyTimeoutMs: number, onError: (message: string) => void): Checkpointer {
  client.pragma('wal_autocheckpoint = 0');
  const workerData: CheckpointWorkerOptions = { path, intervalMs: 250, restartAbovePages: 50_000, busyTimeoutMs };
  // The worker holds one SQLite connection and a timer: a small young generation is plenty (docs/performance.md, Memory).
  const worker = new Worker(projectPath('src', 'repositories', 'sqlite', 'checkpoint-worker.js'), { workerData, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  worker.unref();
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
  worker.on('error', (err) => onError(err.message));
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.ref(); // keep the process alive until the worker has closed its connection
        worker.postMessage('stop');
        // Closing the main connection afterwards checkpoints whatever is left.
      })),
  };
}
