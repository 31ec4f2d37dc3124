import { asc, eq, gt } from 'drizzle-orm';
import { NameTakenError } from '../../services/errors.ts';
import type { OperatorTokenRecord, Page, PageRequest, Tenant, TenantRepository, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { TENANT_NAME_UNIQUE } from '../shared/tenancy-mappers.ts';
import { isUniqueViolation } from '../shared/unique-violation.ts';
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

  async list(page: PageRequest): Promise<Page<Tenant>> {
    const rows = this.w.db
      .select()
      .from(tenants)
      .where(page.afterId ? gt(tenants.id, page.afterId) : undefined)
      .orderBy(asc(tenants.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows, page.limit);
  }

  async create(tenant: Tenant, effects: WriteEffects): Promise<void> {
    try {
      this.w.transaction((tx, apply) => {
        if (tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, tenant.name)).get()) throw new NameTakenError('tenant', tenant.name);
        tx.insert(tenants).values(tenant).run();
        apply(effects);
      });
    } catch (err) {
      throw isUniqueViolation(err, TENANT_NAME_UNIQUE) ? new NameTakenError('tenant', tenant.name) : err;
    }
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
