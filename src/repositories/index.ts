/** Chooses the repository implementation from the database URL. */
import type { Config } from '../config/types.ts';
import type { Repositories } from './types.ts';
import { createSqliteRepositories } from './sqlite/index.ts';
import { createPostgresRepositories } from './postgres/index.ts';

export type { Repositories } from './types.ts';

type SqliteTuning = 'sqliteSynchronous' | 'sqliteCacheMb';

/** The SQLite settings default as in the configuration (`full`, 16 MiB). */
export type DatabaseOptions = Omit<Config['database'], SqliteTuning> & Partial<Pick<Config['database'], SqliteTuning>>;

export async function openRepositories(database: DatabaseOptions, options = { migrate: true }): Promise<Repositories> {
  if (database.url.startsWith('sqlite:'))
    return createSqliteRepositories(database.url, { busyTimeoutMs: database.busyTimeoutMs, synchronous: database.sqliteSynchronous ?? 'full', cacheMb: database.sqliteCacheMb }, options);
  return createPostgresRepositories(database.url, database.poolSize, options);
}
