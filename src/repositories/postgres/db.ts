/** Postgres through postgres.js: pool, migrations under an advisory lock (several instances may start together), in-use tracking. */
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import * as schema from './schema.ts';
import { preparingClient } from './prepared-client.ts';
import { projectPath } from '../../project-root.ts';

export type PgDb = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };

export const pgMigrations = projectPath('drizzle', 'pg');

/**
 * Counts units of work (a query, or a transaction on one connection) in flight for the pool gauges.
 * postgres.js keeps its queue of queries waiting for a connection private, so the work beyond the pool's
 * size is what waits: `busy` connections are min(in flight, max), `waiting` the rest.
 */
export class PgPool {
  inFlight = 0;
  readonly db: PgDb;
  readonly max: number;

  constructor(db: PgDb, max: number) {
    this.db = db;
    this.max = max;
  }

  async run<T>(work: (db: PgDb) => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work(this.db);
    } finally {
      this.inFlight--;
    }
  }

  get busy(): number {
    return Math.min(this.inFlight, this.max);
  }

  get waiting(): number {
    return Math.max(0, this.inFlight - this.max);
  }
}

export function openPostgres(url: string, poolSize: number): PgPool {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    // Reconnect attempts at most ~1 s apart. The driver's default backoff grows with every connection
    // error the pool has seen (3^n / 100 s, up to 20 s), so after a crash took all pooled connections down
    // some waited up to 20 s after Postgres was back before trying again (slow requests, slow readiness).
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1),
    connection: { application_name: 'agentry' },
  });
  return new PgPool(drizzle({ client: preparingClient(client), schema }) as PgDb, poolSize);
}

const MIGRATION_LOCK = 7_346_210_001;

/** Applies pending migrations while holding an advisory lock on a reserved connection, so concurrent starts take turns. */
export async function migratePostgres(db: PgDb): Promise<void> {
  const lock = await db.$client.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(db, { migrationsFolder: pgMigrations });
    } finally {
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    lock.release();
  }
}
