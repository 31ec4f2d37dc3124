/**
 * The WAL's fsync, off the request thread. With `synchronous = FULL` SQLite syncs the WAL inside every
 * commit, and better-sqlite3 runs the commit on the event loop: measured 3–4 ms per group-commit batch on
 * this kind of disk, during which no request is read or answered. A batch path instead commits with
 * `NORMAL` (the commit's frames are written to the WAL but not synced) and then awaits `durable()`, an
 * `fdatasync` of the WAL file on libuv's thread pool, before it answers anyone. The bytes synced are the
 * same as FULL's (fsync is per file, whatever descriptor asks): a 2xx still means on disk. Meanwhile the
 * event loop serves requests and writes the next batch, whose sync then covers both.
 *
 * What differs from FULL: between its commit and its sync, a batch is visible to reads on this connection
 * (for a few milliseconds) before it is durable. Nobody is told it was stored until it is: the writers
 * answer requests and notify commit listeners only after `durable()`.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';

export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export class WalSync {
  private readonly walPath: string;
  private fd: number | undefined;
  /** The sync running now: it may have started before the caller's commit. */
  private running: Promise<void> | undefined;
  /** The sync that starts when `running` ends: it covers every commit made before it starts. */
  private next: Promise<void> | undefined;

  private readonly syncFile: SyncFile;

  /** `syncFile` is `fs.fdatasync`; tests pass one they control. */
  constructor(databasePath: string, syncFile: SyncFile = fdatasync) {
    this.walPath = `${databasePath}-wal`;
    this.syncFile = syncFile;
  }

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private start(): Promise<void> {
    // Opened on first use: SQLite creates the WAL file with the first write. It keeps the same file (and
    // inode) for as long as a connection is open; checkpoints restart or truncate it in place.
    this.fd ??= openSync(this.walPath, 'r');
    const fd = this.fd;
    const sync = new Promise<void>((resolve, reject) => this.syncFile(fd, (err) => (err ? reject(err) : resolve())));
    this.running = sync;
    const clear = () => {
      if (this.running === sync) this.running = undefined;
    };
    sync.then(clear, clear);
    return sync;
  }
}
