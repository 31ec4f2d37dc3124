import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { AuditEntry, AuditFilter, AuditRepository, Page, PageRequest } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import type { PgPool } from './db.ts';
import { auditLog } from './schema.ts';

export class PgAuditRepository implements AuditRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.tenantId, tenantId),
            page.afterId ? lt(auditLog.id, page.afterId) : undefined,
            filter.action ? eq(auditLog.action, filter.action) : undefined,
            filter.resourceType ? eq(auditLog.resourceType, filter.resourceType) : undefined,
            filter.resourceId ? eq(auditLog.resourceId, filter.resourceId) : undefined,
            filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
            filter.since ? gte(auditLog.createdAt, filter.since) : undefined,
            filter.until ? lt(auditLog.createdAt, filter.until) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(page.limit + 1);
      return toPage(rows as AuditEntry[], page.limit);
    });
  }
}
