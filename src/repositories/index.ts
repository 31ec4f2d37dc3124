/** Chooses the repository implementation from the database URL. */
import type { Config } from '../config/schema.ts';
import type { Repositories } from './types.ts';
import { createSqliteRepositories } from './sqlite/index.ts';
import { createPostgresRepositories } from './postgres/index.ts';

export type { Repositories } from './types.ts';

export async function openRepositories(database: Config['database'], options = { migrate: true }): Promise<Repositories> {
  if (database.url.startsWith('sqlite:')) return createSqliteRepositories(database.url, database.busyTimeoutMs, options);
  return createPostgresRepositories(database.url, database.poolSize, options);
}
