/**
 * Repository ports: everything the services may ask of storage. One implementation per dialect
 * (sqlite/, postgres/), chosen at start-up. Multi-statement writes happen inside one method so that each
 * dialect can run them in its own kind of transaction (synchronous on SQLite, async on Postgres).
 */
import type { PoolStats } from '../observability/metrics.ts';
import type { AgentRepository, RegistrationRepository } from './agent-types.ts';
import type { EnrollmentSecretRepository, SectionRepository } from './tenancy-types.ts';
import type { IngestRepository, InventoryRepository, TelemetryRepository } from './ingest-types.ts';
import type { EndpointRepository } from './ports/endpoints.ts';
import type { ResultRepository } from './ports/results.ts';

export * from './agent-types.ts';
export * from './tenancy-types.ts';
export * from './ingest-types.ts';

export type Role = 'viewer' | 'operator' | 'admin' | 'system';
export type ActorType = 'operator' | 'agent' | 'system';

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

export interface OperatorToken {
  id: string;
  tenantId: string;
  name: string;
  /** The first characters of the secret, for recognising it in lists. */
  prefix: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A token with its stored hash: only authentication sees this. */
export interface OperatorTokenRecord extends OperatorToken {
  secretHash: string;
}

export interface AuditEntry {
  id: string;
  tenantId: string;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  requestId: string | null;
  createdAt: Date;
}

/** Event types of the feed. Features add theirs here as they land. */
export const EVENT_TYPES = [
  'agent_registered',
  'agent_claimed',
  'agent_updated',
  'agent_deleted',
  'agent_online',
  'agent_offline',
  'key_rotated',
  'inventory_changed',
  'policy_changed',
  'command_created',
  'command_execution_updated',
  'tenant_created',
  'token_created',
  'token_revoked',
  'section_created',
  'section_updated',
  'section_deleted',
  'enroll_secret_created',
  'enroll_secret_revoked',
  'endpoint_created',
  'endpoint_updated',
  'endpoint_deleted',
  'endpoint_unreachable',
  'endpoint_reachable',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  tenantId: string;
  type: EventType;
  resourceType: string;
  resourceId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface StoredEvent extends NewEvent {
  /** Position in the tenant's feed: 1, 2, 3, … without gaps, in commit order. */
  offset: number;
}

/** What a mutation writes besides its own rows, in the same transaction. */
export interface WriteEffects {
  audit?: AuditEntry;
  events?: NewEvent[];
}

/** Told after a transaction that published events has committed (wakes long polls, fans out to NATS). */
export interface CommittedEvents {
  tenantId: string;
  lastOffset: number;
  /** How many events this commit added for the tenant. */
  count: number;
}

export type CommitListener = (committed: CommittedEvents[]) => void;

export interface Page<T> {
  items: T[];
  /** Id of the last item when more may follow. */
  lastId: string | null;
}

export interface PageRequest {
  limit: number;
  /** Continue after this id (exclusive). */
  afterId?: string;
}

export interface AuditFilter {
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
}

export interface TenantRepository {
  findById(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  /** Oldest first (by id). */
  list(page: PageRequest): Promise<Page<Tenant>>;
  /** Throws NameTakenError when a tenant of that name exists. */
  create(tenant: Tenant, effects: WriteEffects): Promise<void>;
  /**
   * Creates the default tenant and the first system token unless a tenant exists already.
   * Safe when several instances start at once: only one creates them. Returns whether it did.
   */
  bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects): Promise<boolean>;
}

export interface OperatorTokenRepository {
  create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void>;
  findByHash(secretHash: string): Promise<OperatorTokenRecord | null>;
  findById(tenantId: string, id: string): Promise<OperatorToken | null>;
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorToken>>;
  /** Sets `revokedAt` unless already set; returns the token as it is afterwards, null when not in this tenant. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<OperatorToken | null>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}

export interface AuditRepository {
  /** Newest first. */
  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}

export interface EventPage {
  events: StoredEvent[];
  hasMore: boolean;
}

export interface EventRepository {
  /** Events after `afterOffset`, oldest first, optionally only of some types. */
  list(tenantId: string, afterOffset: number, limit: number, types?: readonly string[]): Promise<EventPage>;
  /** Oldest offset still stored (null when none is) and the last offset ever assigned (0 when none was). */
  bounds(tenantId: string): Promise<{ oldest: number | null; latest: number }>;
  /** Deletes events older than `before` and, per tenant, all but the newest `keepPerTenant`. Returns how many. */
  prune(before: Date, keepPerTenant: number): Promise<number>;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyClaim {
  scope: string;
  key: string;
  operationId: string;
  requestHash: string;
  /** An in-progress claim older than this is taken over (its holder is presumed dead). */
  lockedUntil: Date;
  expiresAt: Date;
}

export type IdempotencyOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export interface IdempotencyRepository {
  /** Claims the key for this request, or says why not (another body, still running, or done: replay). */
  claim(claim: IdempotencyClaim, now: Date): Promise<IdempotencyOutcome>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed on our side, so the client may retry with the same key. */
  release(scope: string, key: string): Promise<void>;
  prune(now: Date): Promise<number>;
}

export interface Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  readonly tenants: TenantRepository;
  readonly operatorTokens: OperatorTokenRepository;
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
  readonly endpoints: EndpointRepository;
  readonly results: ResultRepository;
  /** Registers a listener told after each commit that published events. */
  onEventsCommitted(listener: CommitListener): void;
  /** A trivial round trip, for readiness. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
