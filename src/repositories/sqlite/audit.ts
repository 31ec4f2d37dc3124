import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { AuditEntry, AuditFilter, AuditRepository, Page, PageRequest } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import type { SqliteDb } from './db.ts';
import { auditLog } from './schema.ts';

export class SqliteAuditRepository implements AuditRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const rows = this.db
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
      .limit(page.limit + 1)
      .all();
    return toPage(rows as AuditEntry[], page.limit);
  }
}
