/** Chooses the repository implementation from the database URL. */
import type { Config } from '../config/schema.ts';
import type { Repositories } from './types.ts';
import { createSqliteRepositories } from './sqlite/index.ts';
import { createPostgresRepositories } from './postgres/index.ts';

export type { Repositories } from './types.ts';

/** `sqliteSynchronous` defaults to `full`, as in the configuration. */
export type DatabaseOptions = Omit<Config['database'], 'sqliteSynchronous'> & Partial<Pick<Config['database'], 'sqliteSynchronous'>>;

export async function openRepositories(database: DatabaseOptions, options = { migrate: true }): Promise<Repositories> {
  if (database.url.startsWith('sqlite:')) return createSqliteRepositories(database.url, { busyTimeoutMs: database.busyTimeoutMs, synchronous: database.sqliteSynchronous ?? 'full' }, options);
  return createPostgresRepositories(database.url, database.poolSize, options);
}
