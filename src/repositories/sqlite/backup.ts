/**
 * Online backup and restore of the SQLite database file.
 *
 * Backup uses SQLite's online backup API (better-sqlite3's `backup`) from a connection of its own, while
 * servers keep running. The pages are copied in one step: one read transaction, so the copy is the
 * database as of one commit, with everything committed before the backup began, including what is still
 * only in the WAL (a reader sees the WAL). In WAL mode that reader blocks no writer; the server's WAL just
 * cannot be reset until the copy ends. (Copying in small steps would let the copy restart from scratch at
 * every commit of another process, and under steady ingestion it might never finish.) The copy is written
 * beside the target, checked (`quick_check`), switched to a rollback journal so that it is one
 * self-contained file, synced, then renamed over the target: a failed backup never leaves half a file
 * under the name asked for.
 *
 * Restore needs the exclusive lock of file-lock.ts: refused while any agentry process has the database
 * open. The current database (with its WAL, which holds commits not yet checkpointed) is kept as
 * `<database>.pre-restore` rather than deleted, its shared-memory index removed (a stale `-wal` or `-shm`
 * beside the restored file would be read as part of it), then the checked backup is copied in under a
 * temporary name, synced and renamed into place.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensureDirectory } from './db.ts';
import { holdShared, tryExclusive } from './file-lock.ts';

/** A backup or restore that cannot be done, with the reason for the operator. */
export class BackupError extends Error {
  override name = 'BackupError';
}

const ALL_PAGES = 0x7fffffff;
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A rename is durable once its directory is synced. */
function syncDirectory(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Throws unless `path` is an intact agentry database (its migrations table and tenants present). */
function checkDatabase(path: string, what: string): void {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${what} ${path} cannot be opened: ${(err as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${what} ${path} is damaged: ${String(check)}`);
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name in ('__drizzle_migrations', 'tenants')").all();
    if (tables.length !== 2) throw new BackupError(`${what} ${path} is not an agentry database`);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${what} ${path} is not a readable SQLite database: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

export async function backupSqlite(databasePath: string, out: string, busyTimeoutMs: number): Promise<{ bytes: number }> {
  if (!existsSync(databasePath)) throw new BackupError(`no database at ${databasePath} (database.url)`);
  if (!existsSync(dirname(out))) throw new BackupError(`--out: directory ${dirname(out)} does not exist`);
  // A restore cannot replace the file while it is being copied.
  const lock = holdShared(databasePath);
  const partial = `${out}.partial-${process.pid}`;
  try {
    const source = new Database(databasePath, { fileMustExist: true, timeout: busyTimeoutMs });
    try {
      rmSync(partial, { force: true });
      await source.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      source.close();
    }
    const copy = new Database(partial);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    checkDatabase(partial, 'the backup');
    syncFile(partial);
    renameSync(partial, out);
    syncDirectory(out);
    return { bytes: statSync(out).size };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    lock.release();
  }
}

export function restoreSqlite(backupFile: string, databasePath: string, options: { force: boolean }): { replaced: string | null } {
  checkDatabase(backupFile, 'the backup');
  ensureDirectory(databasePath);
  const lock = tryExclusive(databasePath);
  if (!lock) throw new BackupError(`${databasePath} is in use by a running agentry server (or another agentry command): stop it, then restore`);
  try {
    const exists = existsSync(databasePath);
    if (exists && !options.force) throw new BackupError(`${databasePath} exists; pass --force to replace it (it is then kept as ${databasePath}.pre-restore)`);
    const incoming = `${databasePath}.restore-${process.pid}`;
    try {
      copyFileSync(backupFile, incoming);
      syncFile(incoming);
    } catch (err) {
      rmSync(incoming, { force: true });
      throw new BackupError(`cannot copy the backup next to ${databasePath}: ${(err as Error).message}`);
    }
    let replaced: string | null = null;
    if (exists) {
      replaced = `${databasePath}.pre-restore`;
      for (const suffix of ['', ...SIDE_FILES]) rmSync(`${replaced}${suffix}`, { force: true });
      renameSync(databasePath, replaced);
    }
    // Side files now belong to the replaced database: its WAL and journal go with it, its index goes.
    for (const suffix of SIDE_FILES) {
      const side = `${databasePath}${suffix}`;
      if (!existsSync(side)) continue;
      if (replaced && suffix !== '-shm') renameSync(side, `${replaced}${suffix}`);
      else rmSync(side, { force: true });
    }
    renameSync(incoming, databasePath);
    syncDirectory(databasePath);
    return { replaced };
  } finally {
    lock.release();
  }
}
