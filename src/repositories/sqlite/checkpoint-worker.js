/**
 * Runs in a worker thread: checkpoints the WAL of the server's SQLite database from its own connection, so
 * that copying pages back into the database file (and the fsync that goes with it) never runs on the
 * request thread. PASSIVE checkpoints never block the writer; when the WAL has grown large anyway (long
 * readers), a RESTART checkpoint lets the writer start over at the beginning of the file.
 *
 * Plain JavaScript on purpose: a worker is a second V8 isolate with its own heap, and a TypeScript entry
 * would load Node's type stripper into it as well (measured: 27 MiB of RSS for the worker with it, 16 without;
 * docs/performance.md, Memory). Its options are typed by `CheckpointWorkerOptions` in checkpointer.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string, intervalMs: number, restartAbovePages: number, busyTimeoutMs: number }} */
const options = workerData;
const db = new Database(options.path, { timeout: options.busyTimeoutMs });
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);

const timer = setInterval(() => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    // `restartAbovePages`: WAL frames above which a RESTART checkpoint is attempted.
    if (row && row.log > options.restartAbovePages) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}, options.intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
