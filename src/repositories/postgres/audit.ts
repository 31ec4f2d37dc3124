import type { AuditEntry, AuditFilter } from '../../domain/audit.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { AuditRepository } from '../ports/audit.ts';
import { auditList } from '../shared/audit.ts';
import { toPage } from '../shared/paging.ts';
import type { PgPool } from './db.ts';
import { auditLog } from './schema.ts';

export class PgAuditRepository implements AuditRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const q = auditList(auditLog, tenantId, filter, page);
    return this.pool.run(async (db) => toPage(await db.select().from(auditLog).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }
}
