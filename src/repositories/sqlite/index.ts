import { sql } from 'drizzle-orm';
import type { Repositories } from '../types.ts';
import { migrateSqlite, openSqlite } from './db.ts';
import { SqliteAuditRepository } from './audit.ts';
import { SqliteOperatorTokenRepository } from './operator-tokens.ts';
import { SqliteTenantRepository } from './tenants.ts';

export function createSqliteRepositories(url: string, busyTimeoutMs: number, options: { migrate: boolean }): Repositories {
  const db = openSqlite(url, busyTimeoutMs);
  if (options.migrate) migrateSqlite(db);
  return {
    dialect: 'sqlite',
    tenants: new SqliteTenantRepository(db),
    operatorTokens: new SqliteOperatorTokenRepository(db),
    audit: new SqliteAuditRepository(db),
    async ping() {
      db.get(sql`select 1`);
    },
    // better-sqlite3 is synchronous: one connection, never more than one query at a time.
    poolStats: () => ({ max: 1, inUse: 0 }),
    async close() {
      if (db.$client.open) db.$client.close();
    },
  };
}
