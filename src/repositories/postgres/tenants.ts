import { eq } from 'drizzle-orm';
import type { OperatorTokenRecord, Tenant, TenantRepository, WriteEffects } from '../types.ts';
import { operatorTokens, tenants } from './schema.ts';
import type { PgWriter } from './transaction.ts';

const BOOTSTRAP_LOCK = 7_346_210_002;

export class PgTenantRepository implements TenantRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  findById(id: string): Promise<Tenant | null> {
    return this.w.pool.run(async (db) => (await db.select().from(tenants).where(eq(tenants.id, id)).limit(1))[0] ?? null);
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.w.pool.run(async (db) => (await db.select().from(tenants).where(eq(tenants.name, name)).limit(1))[0] ?? null);
  }

  create(tenant: Tenant, effects: WriteEffects): Promise<void> {
    return this.w.transaction(async (tx, apply) => {
      await tx.insert(tenants).values(tenant);
      await apply(effects);
    });
  }

  bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects): Promise<boolean> {
    return this.w.transaction(async (tx, apply) => {
      // Serialises concurrent first starts; the loser sees the tenant and does nothing.
      await tx.execute(`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
      if ((await tx.select({ id: tenants.id }).from(tenants).limit(1)).length > 0) return false;
      await tx.insert(tenants).values(tenant);
      await tx.insert(operatorTokens).values(token);
      await apply(effects);
      return true;
    });
  }
}
