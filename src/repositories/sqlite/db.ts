/** Opens the embedded SQLite database (better-sqlite3) with the pragmas a server needs, and migrates it. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { SqliteSynchronous } from '../../config/types.ts';
import * as schema from './schema.ts';
import { withStatementCache } from './statement-cache.ts';
import { projectPath } from '../../project-root.ts';

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const sqliteMigrations = projectPath('drizzle', 'sqlite');

export const sqlitePath = (url: string): string => url.replace(/^sqlite:/, '');

/** The database's directory, created when missing. */
export function ensureDirectory(path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
}

export interface SqliteOptions {
  busyTimeoutMs: number;
  synchronous: SqliteSynchronous;
  /** The page cache (`database.sqliteCacheMb`); the configuration's default when absent. */
  cacheMb?: number;
}

/** `database.sqliteCacheMb`'s default (docs/performance.md, Memory). */
export const DEFAULT_SQLITE_CACHE_MIB = 16;

export function openSqlite(url: string, { busyTimeoutMs, synchronous, cacheMb = DEFAULT_SQLITE_CACHE_MIB }: SqliteOptions): SqliteDb {
  const path = sqlitePath(url);
  if (path !== ':memory:') ensureDirectory(path);
  const client = new Database(path, { timeout: busyTimeoutMs });
  // WAL: readers never block the writer. FULL syncs the WAL at every commit, so a 2xx survives a power
  // loss; NORMAL syncs only at checkpoints: durable against a crash of the process (the WAL is in the OS
  // page cache), but a power loss may drop the last transactions. Group commit keeps FULL's cost to one sync per batch.
  client.pragma('journal_mode = WAL');
  client.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  client.pragma('foreign_keys = ON');
  client.pragma(`busy_timeout = ${busyTimeoutMs}`);
  client.pragma('temp_store = MEMORY');
  // A negative cache_size is in KiB. The page cache lives in the process's malloc heap and is part of its RSS;
  // pages that do not fit are read back from the OS file cache.
  client.pragma(`cache_size = ${-cacheMb * 1024}`);
  const db = drizzle({ client: withStatementCache(client), schema }) as SqliteDb;
  // Code that prepares its own statements (and may change their mode for good, e.g. `pluck()`) gets the connection itself.
  db.$client = client;
  return db;
}

export function migrateSqlite(db: SqliteDb): void {
  migrate(db, { migrationsFolder: sqliteMigrations });
}
