import type { AuditEntry, AuditFilter } from '../../domain/audit.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { AuditRepository } from '../ports/audit.ts';
import { auditList } from '../shared/audit.ts';
import { toPage } from '../shared/paging.ts';
import type { SqliteDb } from './db.ts';
import { auditLog } from './schema.ts';

export class SqliteAuditRepository implements AuditRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const q = auditList(auditLog, tenantId, filter, page);
    return toPage(this.db.select().from(auditLog).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }
}
