import { sql } from 'drizzle-orm';
import type { Repositories } from '../types.ts';
import { CommitListeners } from '../shared/commit-listeners.ts';
import { PgStatsRepository } from './stats.ts';
import { migratePostgres, openPostgres } from './db.ts';
import { PgAgentRepository } from './agents.ts';
import { PgAuditRepository } from './audit.ts';
import { PgEnrollmentSecretRepository } from './enrollment-secrets.ts';
import { PgRegistrationRepository } from './registrations.ts';
import { PgEventRepository } from './events.ts';
import { PgIdempotencyRepository } from './idempotency.ts';
import { PgIngestRepository } from './ingest.ts';
import { PgInventoryRepository } from './inventory.ts';
import { PgTelemetryRepository } from './telemetry.ts';
import { PgPolicyRepository } from './policies.ts';
import { PgCommandRepository } from './commands.ts';
import { PgOperatorTokenRepository } from './operator-tokens.ts';
import { PgConsoleSessionRepository } from './console-sessions.ts';
import { PgSectionRepository } from './sections.ts';
import { PgTenantRepository } from './tenants.ts';
import { PgEndpointRepository } from './endpoints.ts';
import { PgResultRepository } from './results.ts';
import { PgWriter } from './transaction.ts';

export async function createPostgresRepositories(url: string, poolSize: number, options: { migrate: boolean }): Promise<Repositories> {
  const pool = openPostgres(url, poolSize);
  try {
    if (options.migrate) await migratePostgres(pool.db);
  } catch (err) {
    await pool.db.$client.end({ timeout: 1 });
    throw err;
  }
  const listeners = new CommitListeners();
  const writer = new PgWriter(pool, listeners);
  return {
    dialect: 'postgres',
    tenants: new PgTenantRepository(writer),
    operatorTokens: new PgOperatorTokenRepository(writer),
    consoleSessions: new PgConsoleSessionRepository(writer),
    audit: new PgAuditRepository(pool),
    events: new PgEventRepository(pool),
    agents: new PgAgentRepository(writer),
    registrations: new PgRegistrationRepository(writer),
    sections: new PgSectionRepository(writer),
    enrollmentSecrets: new PgEnrollmentSecretRepository(writer),
    idempotency: new PgIdempotencyRepository(pool),
    ingest: new PgIngestRepository(writer),
    inventory: new PgInventoryRepository(pool),
    telemetry: new PgTelemetryRepository(pool),
    policies: new PgPolicyRepository(writer),
    commands: new PgCommandRepository(writer),
    endpoints: new PgEndpointRepository(writer),
    results: new PgResultRepository(pool),
    stats: new PgStatsRepository(pool),
    onEventsCommitted: (listener) => listeners.add(listener),
    async ping() {
      await pool.run((db) => db.execute(sql`select 1`));
    },
    poolStats: () => ({ max: pool.max, inUse: pool.busy, waiting: pool.waiting }),
    async close() {
      await pool.db.$client.end({ timeout: 5 });
    },
  };
}
