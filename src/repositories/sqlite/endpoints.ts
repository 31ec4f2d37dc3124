import { and, asc, eq, inArray } from 'drizzle-orm';
import { isAssignedTo, type AgentPlacement, type MonitoredEndpoint } from '../../domain/endpoint.ts';
import type { EndpointListFilter, EndpointRepository, EndpointWriteOutcome } from '../ports/endpoints.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { endpointListWhere, sharesTag, toEndpoint, toEndpointRow } from '../shared/endpoints.ts';
import { toPage } from '../shared/paging.ts';
import { monitoredEndpoints as t } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteEndpointRepository implements EndpointRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(endpoint: MonitoredEndpoint, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(t).values(toEndpointRow(endpoint)).run();
      apply(effects);
    });
  }

  async findById(tenantId: string, id: string): Promise<MonitoredEndpoint | null> {
    const row = this.w.db
      .select()
      .from(t)
      .where(and(eq(t.tenantId, tenantId), eq(t.id, id)))
      .get();
    return row ? toEndpoint(row) : null;
  }

  async findByIds(tenantId: string, ids: readonly string[]): Promise<MonitoredEndpoint[]> {
    if (ids.length === 0) return [];
    return this.w.db
      .select()
      .from(t)
      .where(and(eq(t.tenantId, tenantId), inArray(t.id, [...ids])))
      .orderBy(asc(t.id))
      .all()
      .map(toEndpoint);
  }

  async listByTags(tenantId: string, tags: readonly string[]): Promise<MonitoredEndpoint[]> {
    return this.managed(tenantId).filter((e) => sharesTag(e, tags));
  }

  async listAssignedTo(tenantId: string, agent: AgentPlacement): Promise<MonitoredEndpoint[]> {
    return this.managed(tenantId).filter((e) => isAssignedTo(e, agent));
  }

  async listLinkedTo(tenantId: string, managedId: string): Promise<MonitoredEndpoint[]> {
    return this.w.db
      .select()
      .from(t)
      .where(and(eq(t.tenantId, tenantId), eq(t.linkedEndpointId, managedId)))
      .orderBy(asc(t.id))
      .all()
      .map(toEndpoint);
  }

  async list(tenantId: string, filter: EndpointListFilter, page: PageRequest): Promise<Page<MonitoredEndpoint>> {
    const rows = this.w.db
      .select()
      .from(t)
      .where(endpointListWhere(t, tenantId, filter, page))
      .orderBy(asc(t.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows.map(toEndpoint), page.limit);
  }

  async update(next: MonitoredEndpoint, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(t.tenantId, next.tenantId), eq(t.id, next.id));
      const current = tx.select({ version: t.version }).from(t).where(where).get();
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      const { id: _id, tenantId: _tenant, createdAt: _created, ...fields } = toEndpointRow(next);
      tx.update(t).set(fields).where(where).run();
      apply(effects);
      return { kind: 'done' };
    });
  }

  async delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(t.tenantId, tenantId), eq(t.id, id));
      const current = tx.select({ version: t.version }).from(t).where(where).get();
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      tx.delete(t).where(where).run();
      apply(effects);
      return { kind: 'done' };
    });
  }

  private managed(tenantId: string): MonitoredEndpoint[] {
    return this.w.db
      .select()
      .from(t)
      .where(and(eq(t.tenantId, tenantId), eq(t.origin, 'managed')))
      .orderBy(asc(t.id))
      .all()
      .map(toEndpoint);
  }
}
