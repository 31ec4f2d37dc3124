/**
 * The repository aggregate: everything the services may ask of storage, one port per entity (ports/).
 * One implementation per dialect (sqlite/, postgres/), chosen at start-up. Multi-statement writes happen
 * inside one method so that each dialect can run them in its own kind of transaction (synchronous on
 * SQLite, async on Postgres). Domain types are in src/domain/; conditional writes answer in the outcomes
 * of src/domain/outcomes.ts.
 */
import type { CommitListener } from '../domain/event.ts';
import type { PoolStats } from '../observability/metrics.ts';
import type { AgentRepository } from './ports/agent.ts';
import type { AuditRepository } from './ports/audit.ts';
import type { EnrollmentSecretRepository } from './ports/enrollment-secret.ts';
import type { EventRepository } from './ports/event.ts';
import type { IdempotencyRepository } from './ports/idempotency.ts';
import type { IngestRepository } from './ports/ingest.ts';
import type { InventoryRepository } from './ports/inventory.ts';
import type { OperatorTokenRepository } from './ports/operator-token.ts';
import type { RegistrationRepository } from './ports/registration.ts';
import type { SectionRepository } from './ports/section.ts';
import type { TelemetryRepository } from './ports/telemetry.ts';
import type { TenantRepository } from './ports/tenant.ts';
import type { PolicyRepository } from './ports/policies.ts';
import type { EndpointRepository } from './ports/endpoints.ts';
import type { ResultRepository } from './ports/results.ts';
import type { CommandRepository } from './ports/command.ts';
import type { StatsRepository } from './ports/stats.ts';
import type { ConsoleSessionRepository } from './ports/console-session.ts';

export interface Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  readonly tenants: TenantRepository;
  readonly operatorTokens: OperatorTokenRepository;
  readonly consoleSessions: ConsoleSessionRepository;
  readonly audit: AuditRepository;
  readonly events: EventRepository;
  readonly sections: SectionRepository;
  readonly enrollmentSecrets: EnrollmentSecretRepository;
  readonly agents: AgentRepository;
  readonly registrations: RegistrationRepository;
  readonly idempotency: IdempotencyRepository;
  readonly ingest: IngestRepository;
  readonly inventory: InventoryRepository;
  readonly telemetry: TelemetryRepository;
  readonly policies: PolicyRepository;
  readonly endpoints: EndpointRepository;
  readonly results: ResultRepository;
  readonly commands: CommandRepository;
  readonly stats: StatsRepository;
  /** Registers a listener told after each commit that published events. */
  onEventsCommitted(listener: CommitListener): void;
  /** A trivial round trip, for readiness. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
