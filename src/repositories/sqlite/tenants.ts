import { eq } from 'drizzle-orm';
import type { OperatorTokenRecord, Tenant, TenantRepository, WriteEffects } from '../types.ts';
import { operatorTokens, tenants } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteTenantRepository implements TenantRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.w.db.select().from(tenants).where(eq(tenants.id, id)).get() ?? null;
  }

  async findByName(name: string): Promise<Tenant | null> {
    return this.w.db.select().from(tenants).where(eq(tenants.name, name)).get() ?? null;
  }

  async create(tenant: Tenant, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(tenants).values(tenant).run();
      apply(effects);
    });
  }

  async bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects): Promise<boolean> {
    return this.w.transaction((tx, apply) => {
      if (tx.select({ id: tenants.id }).from(tenants).limit(1).get()) return false;
      tx.insert(tenants).values(tenant).run();
      tx.insert(operatorTokens).values(token).run();
      apply(effects);
      return true;
    });
  }
}
