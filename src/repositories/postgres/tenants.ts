import { eq } from 'drizzle-orm';
import type { AuditEntry, OperatorTokenRecord, Tenant, TenantRepository } from '../types.ts';
import type { PgPool } from './db.ts';
import { auditLog, operatorTokens, tenants } from './schema.ts';

const BOOTSTRAP_LOCK = 7_346_210_002;

export class PgTenantRepository implements TenantRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  findById(id: string): Promise<Tenant | null> {
    return this.pool.run(async (db) => (await db.select().from(tenants).where(eq(tenants.id, id)).limit(1))[0] ?? null);
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.pool.run(async (db) => (await db.select().from(tenants).where(eq(tenants.name, name)).limit(1))[0] ?? null);
  }

  create(tenant: Tenant, audit: AuditEntry): Promise<void> {
    return this.pool.run((db) =>
      db.transaction(async (tx) => {
        await tx.insert(tenants).values(tenant);
        await tx.insert(auditLog).values(audit);
      }),
    );
  }

  bootstrap(tenant: Tenant, token: OperatorTokenRecord, audit: AuditEntry): Promise<boolean> {
    return this.pool.run((db) =>
      db.transaction(async (tx) => {
        // Serialises concurrent first starts; the loser sees the tenant and does nothing.
        await tx.execute(`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
        if ((await tx.select({ id: tenants.id }).from(tenants).limit(1)).length > 0) return false;
        await tx.insert(tenants).values(tenant);
        await tx.insert(operatorTokens).values(token);
        await tx.insert(auditLog).values(audit);
        return true;
      }),
    );
  }
}
