/**
 * Who uses a SQLite database file. Every agentry process that opens it (server, `migrate`, `token create`,
 * `backup`) holds a shared lock on the companion file `<database>.lock` for as long as it has the database
 * open; `agentry restore` takes the exclusive lock, which it gets only while no such process runs, and which
 * keeps them from starting until the restore is done.
 *
 * The lock is SQLite's own file locking (POSIX advisory locks) on that small companion database, opened in
 * EXCLUSIVE locking mode so that the connection keeps the lock it took until it closes. The kernel drops a
 * process's locks when it ends, however it ends: a server killed with SIGKILL leaves no stale lock behind
 * (a pid file would, and a recycled pid — pid 1 in every container — would look alive). Several servers may
 * share one database (shared locks), and connections of one process see each other's locks (SQLite tracks
 * them per file within the process). The database file itself cannot serve: in WAL mode an idle connection
 * holds no lock on it that another process could test. Locks on network filesystems are only as reliable as
 * their lock daemon; keep SQLite on a local disk.
 */
import Database from 'better-sqlite3';
import { DatabaseLockedError } from './lock-error.ts';

export const lockPathOf = (databasePath: string): string => `${databasePath}.lock`;

export interface FileLock {
  release(): void;
}

function open(databasePath: string): Database.Database {
  const lock = new Database(lockPathOf(databasePath), { timeout: 0 });
  lock.pragma('locking_mode = EXCLUSIVE');
  return lock;
}

const isBusy = (err: unknown): boolean => (err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED';

/** Held from now until `release()` (or the process ends). Throws DatabaseLockedError while a restore runs. */
export function holdShared(databasePath: string): FileLock {
  const lock = open(databasePath);
  try {
    // The first read takes the shared lock; EXCLUSIVE locking mode keeps it.
    lock.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    lock.close();
    if (isBusy(err)) throw new DatabaseLockedError(`${databasePath} is being restored (${lockPathOf(databasePath)} is locked); start again once the restore is done`);
    throw err;
  }
  return { release: () => lock.close() };
}

/** The exclusive lock, or null while any agentry process has the database open. */
export function tryExclusive(databasePath: string): FileLock | null {
  const lock = open(databasePath);
  try {
    lock.exec('BEGIN EXCLUSIVE');
    lock.exec('COMMIT');
  } catch (err) {
    lock.close();
    if (isBusy(err)) return null;
    throw err;
  }
  return { release: () => lock.close() };
}
