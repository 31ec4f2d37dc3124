/** Port for monitored endpoints: CRUD with optimistic concurrency, and the lookups configuration needs. */
import type { AgentPlacement, EndpointOrigin, MonitoredEndpoint } from '../../domain/endpoint.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

export type EndpointWriteOutcome = { kind: 'done' } | { kind: 'not-found' } | { kind: 'stale'; currentVersion: number };

export interface EndpointListFilter {
  origin?: EndpointOrigin;
}

export interface EndpointRepository {
  create(endpoint: MonitoredEndpoint, effects: WriteEffects): Promise<void>;
  findById(tenantId: string, id: string): Promise<MonitoredEndpoint | null>;
  /** Endpoints of the tenant among `ids` (any origin), in id order; unknown ids are left out. */
  findByIds(tenantId: string, ids: readonly string[]): Promise<MonitoredEndpoint[]>;
  /** Managed endpoints of the tenant carrying at least one of `tags`, in id order. */
  listByTags(tenantId: string, tags: readonly string[]): Promise<MonitoredEndpoint[]>;
  /** Managed, enabled endpoints assigned to the agent (by id, section or tag), in id order: its configuration's `endpoints[]`. */
  listAssignedTo(tenantId: string, agent: AgentPlacement): Promise<MonitoredEndpoint[]>;
  /** Agent-local endpoints linked to the managed endpoint. */
  listLinkedTo(tenantId: string, managedId: string): Promise<MonitoredEndpoint[]>;
  /** Oldest first (by id). */
  list(tenantId: string, filter: EndpointListFilter, page: PageRequest): Promise<Page<MonitoredEndpoint>>;
  /** Replaces every field of the endpoint if it is still at `expectedVersion`. */
  update(next: MonitoredEndpoint, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome>;
  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome>;
}
