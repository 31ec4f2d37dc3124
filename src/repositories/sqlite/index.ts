import { sql } from 'drizzle-orm';
import type { Repositories } from '../types.ts';
import { CommitListeners } from '../shared/commit-listeners.ts';
import { SqliteStatsRepository } from './stats.ts';
import { startCheckpointer } from './checkpointer.ts';
import { ensureDirectory, migrateSqlite, openSqlite, sqlitePath, type SqliteDb, type SqliteOptions } from './db.ts';
import { holdShared } from './file-lock.ts';
import { SqliteAgentRepository } from './agents.ts';
import { SqliteAuditRepository } from './audit.ts';
import { SqliteRegistrationRepository } from './registrations.ts';
import { SqliteEnrollmentSecretRepository } from './enrollment-secrets.ts';
import { SqliteEventRepository } from './events.ts';
import { SqliteIdempotencyRepository } from './idempotency.ts';
import { SqliteIngestRepository } from './ingest.ts';
import { SqliteInventoryRepository } from './inventory.ts';
import { SqliteTelemetryRepository } from './telemetry.ts';
import { PointTally } from './point-tally.ts';
import { SqlitePolicyRepository } from './policies.ts';
import { SqliteCommandRepository } from './commands.ts';
import { SqliteOperatorTokenRepository } from './operator-tokens.ts';
import { SqliteConsoleSessionRepository } from './console-sessions.ts';
import { SqliteSectionRepository } from './sections.ts';
import { SqliteTenantRepository } from './tenants.ts';
import { SqliteEndpointRepository } from './endpoints.ts';
import { SqliteResultRepository } from './results.ts';
import { SqliteWriter } from './transaction.ts';

export function createSqliteRepositories(url: string, connection: SqliteOptions, options: { migrate: boolean }): Repositories {
  const { busyTimeoutMs } = connection;
  const path = sqlitePath(url);
  // Held while the database is open, so that `agentry restore` cannot replace the file under this process.
  if (path !== ':memory:') ensureDirectory(path);
  const lock = path === ':memory:' ? undefined : holdShared(path);
  let db: SqliteDb;
  try {
    db = openSqlite(url, connection);
    if (options.migrate) migrateSqlite(db);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const checkpointer = path === ':memory:' ? undefined : startCheckpointer(db.$client, path, busyTimeoutMs, (m) => process.emitWarning(`SQLite WAL checkpoint failed: ${m}`));
  const listeners = new CommitListeners();
  const points = new PointTally();
  const writer = new SqliteWriter(db, listeners);
  return {
    dialect: 'sqlite',
    tenants: new SqliteTenantRepository(writer),
    operatorTokens: new SqliteOperatorTokenRepository(writer),
    consoleSessions: new SqliteConsoleSessionRepository(writer),
    audit: new SqliteAuditRepository(db),
    events: new SqliteEventRepository(db),
    sections: new SqliteSectionRepository(writer),
    enrollmentSecrets: new SqliteEnrollmentSecretRepository(writer),
    agents: new SqliteAgentRepository(writer),
    registrations: new SqliteRegistrationRepository(writer),
    idempotency: new SqliteIdempotencyRepository(db),
    ingest: new SqliteIngestRepository(writer, points),
    inventory: new SqliteInventoryRepository(db),
    telemetry: new SqliteTelemetryRepository(db, points),
    policies: new SqlitePolicyRepository(writer),
    commands: new SqliteCommandRepository(writer),
    endpoints: new SqliteEndpointRepository(writer),
    results: new SqliteResultRepository(db),
    stats: new SqliteStatsRepository(db),
    onEventsCommitted: (listener) => listeners.add(listener),
    async ping() {
      db.get(sql`select 1`);
    },
    // better-sqlite3 is synchronous: one connection, one query at a time, which has ended before any
    // scrape runs; nothing ever queues for it (writes from other processes wait in the busy timeout instead).
    poolStats: () => ({ max: 1, inUse: 0, waiting: 0 }),
    async close() {
      await checkpointer?.stop();
      if (db.$client.open) db.$client.close();
      lock?.release();
    },
  };
}
