/**
 * Repository ports: everything the services may ask of storage. One implementation per dialect
 * (sqlite/, postgres/), chosen at start-up. Multi-statement writes happen inside one method so that each
 * dialect can run them in its own kind of transaction (synchronous on SQLite, async on Postgres).
 */
import type { PoolStats } from '../observability/metrics.ts';

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
  create(tenant: Tenant, audit: AuditEntry): Promise<void>;
  /**
   * Creates the default tenant and the first system token unless a tenant exists already.
   * Safe when several instances start at once: only one creates them. Returns whether it did.
   */
  bootstrap(tenant: Tenant, token: OperatorTokenRecord, audit: AuditEntry): Promise<boolean>;
}

export interface OperatorTokenRepository {
  create(token: OperatorTokenRecord, audit: AuditEntry): Promise<void>;
  findByHash(secretHash: string): Promise<OperatorTokenRecord | null>;
  findById(tenantId: string, id: string): Promise<OperatorToken | null>;
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorToken>>;
  /** Sets `revokedAt` unless already set; returns the token as it is afterwards, null when not in this tenant. */
  revoke(tenantId: string, id: string, at: Date, audit: AuditEntry): Promise<OperatorToken | null>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}

export interface AuditRepository {
  /** Newest first. */
  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}

export interface Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  readonly tenants: TenantRepository;
  readonly operatorTokens: OperatorTokenRepository;
  readonly audit: AuditRepository;
  /** A trivial round trip, for readiness. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
