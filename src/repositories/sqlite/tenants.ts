import type { AuditEntry, OperatorTokenRecord, Tenant, TenantRepository } from '../types.ts';
import type { SqliteDb } from './db.ts';
import { auditLog, operatorTokens, tenants } from './schema.ts';
import { eq } from 'drizzle-orm';

export class SqliteTenantRepository implements TenantRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.db.select().from(tenants).where(eq(tenants.id, id)).get() ?? null;
  }

  async findByName(name: string): Promise<Tenant | null> {
    return this.db.select().from(tenants).where(eq(tenants.name, name)).get() ?? null;
  }

  async create(tenant: Tenant, audit: AuditEntry): Promise<void> {
    this.db.transaction((tx) => {
      tx.insert(tenants).values(tenant).run();
      tx.insert(auditLog).values(audit).run();
    });
  }

  async bootstrap(tenant: Tenant, token: OperatorTokenRecord, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction((tx) => {
      if (tx.select({ id: tenants.id }).from(tenants).limit(1).get()) return false;
      tx.insert(tenants).values(tenant).run();
      tx.insert(operatorTokens).values(token).run();
      tx.insert(auditLog).values(audit).run();
      return true;
    }, { behavior: 'immediate' });
  }
}
