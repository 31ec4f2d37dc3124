/**
 * Runs in a worker thread: checkpoints the WAL of the server's SQLite database from its own connection, so
 * that copying pages back into the database file (and the fsync that goes with it) never runs on the
 * request thread. PASSIVE checkpoints never block the writer; when the WAL has grown large anyway (long
 * readers), a RESTART checkpoint lets the writer start over at the beginning of the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

interface Options {
  path: string;
  intervalMs: number;
  /** WAL frames above which a RESTART checkpoint is attempted. */
  restartAbovePages: number;
  busyTimeoutMs: number;
}

const options = workerData as Options;
const db = new Database(options.path, { timeout: options.busyTimeoutMs });
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);

const timer = setInterval(() => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (row && row.log > options.restartAbovePages) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    parentPort?.postMessage({ error: (err as Error).message });
  }
}, options.intervalMs);

parentPort?.on('message', (message: string) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
