import { and, asc, eq, inArray } from 'drizzle-orm';
import { isAssignedTo, type AgentPlacement, type MonitoredEndpoint } from '../../domain/endpoint.ts';
import type { EndpointListFilter, EndpointRepository, EndpointWriteOutcome } from '../ports/endpoints.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { endpointListWhere, sharesTag, toEndpoint, toEndpointRow } from '../shared/endpoints.ts';
import { toPage } from '../shared/paging.ts';
import { monitoredEndpoints as t } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export class PgEndpointRepository implements EndpointRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  async create(endpoint: MonitoredEndpoint, effects: WriteEffects): Promise<void> {
    await this.w.transaction(async (tx, apply) => {
      await tx.insert(t).values(toEndpointRow(endpoint));
      await apply(effects);
    });
  }

  findById(tenantId: string, id: string): Promise<MonitoredEndpoint | null> {
    return this.w.pool.run(async (db) => {
      const [row] = await db
        .select()
        .from(t)
        .where(and(eq(t.tenantId, tenantId), eq(t.id, id)))
        .limit(1);
      return row ? toEndpoint(row) : null;
    });
  }

  findByIds(tenantId: string, ids: readonly string[]): Promise<MonitoredEndpoint[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.w.pool.run(async (db) =>
      (
        await db
          .select()
          .from(t)
          .where(and(eq(t.tenantId, tenantId), inArray(t.id, [...ids])))
          .orderBy(asc(t.id))
      ).map(toEndpoint),
    );
  }

  async listByTags(tenantId: string, tags: readonly string[]): Promise<MonitoredEndpoint[]> {
    return (await this.managed(tenantId)).filter((e) => sharesTag(e, tags));
  }

  async listAssignedTo(tenantId: string, agent: AgentPlacement): Promise<MonitoredEndpoint[]> {
    return (await this.managed(tenantId)).filter((e) => isAssignedTo(e, agent));
  }

  listLinkedTo(tenantId: string, managedId: string): Promise<MonitoredEndpoint[]> {
    return this.w.pool.run(async (db) =>
      (
        await db
          .select()
          .from(t)
          .where(and(eq(t.tenantId, tenantId), eq(t.linkedEndpointId, managedId)))
          .orderBy(asc(t.id))
      ).map(toEndpoint),
    );
  }

  list(tenantId: string, filter: EndpointListFilter, page: PageRequest): Promise<Page<MonitoredEndpoint>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(t)
        .where(endpointListWhere(t, tenantId, filter, page))
        .orderBy(asc(t.id))
        .limit(page.limit + 1);
      return toPage(rows.map(toEndpoint), page.limit);
    });
  }

  update(next: MonitoredEndpoint, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<EndpointWriteOutcome> => {
      const where = and(eq(t.tenantId, next.tenantId), eq(t.id, next.id));
      const [current] = await tx.select({ version: t.version }).from(t).where(where).for('update');
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      const { id: _id, tenantId: _tenant, createdAt: _created, ...fields } = toEndpointRow(next);
      await tx.update(t).set(fields).where(where);
      await apply(effects);
      return { kind: 'done' };
    });
  }

  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<EndpointWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<EndpointWriteOutcome> => {
      const where = and(eq(t.tenantId, tenantId), eq(t.id, id));
      const [current] = await tx.select({ version: t.version }).from(t).where(where).for('update');
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      await tx.delete(t).where(where);
      await apply(effects);
      return { kind: 'done' };
    });
  }

  private managed(tenantId: string): Promise<MonitoredEndpoint[]> {
    return this.w.pool.run(async (db) =>
      (
        await db
          .select()
          .from(t)
          .where(and(eq(t.tenantId, tenantId), eq(t.origin, 'managed')))
          .orderBy(asc(t.id))
      ).map(toEndpoint),
    );
  }
}
