import { sql } from 'drizzle-orm';
import type { Repositories } from '../types.ts';
import { migratePostgres, openPostgres } from './db.ts';
import { PgAuditRepository } from './audit.ts';
import { PgOperatorTokenRepository } from './operator-tokens.ts';
import { PgTenantRepository } from './tenants.ts';

export async function createPostgresRepositories(url: string, poolSize: number, options: { migrate: boolean }): Promise<Repositories> {
  const pool = openPostgres(url, poolSize);
  try {
    if (options.migrate) await migratePostgres(pool.db);
  } catch (err) {
    await pool.db.$client.end({ timeout: 1 });
    throw err;
  }
  return {
    dialect: 'postgres',
    tenants: new PgTenantRepository(pool),
    operatorTokens: new PgOperatorTokenRepository(pool),
    audit: new PgAuditRepository(pool),
    async ping() {
      await pool.run((db) => db.execute(sql`select 1`));
    },
    poolStats: () => ({ max: pool.max, inUse: pool.inUse }),
    async close() {
      await pool.db.$client.end({ timeout: 5 });
    },
  };
}
