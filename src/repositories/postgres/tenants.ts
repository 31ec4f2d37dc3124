import { asc, eq, gt } from 'drizzle-orm';
import { NameTakenError } from '../../services/errors.ts';
import type { OperatorTokenRecord, Page, PageRequest, Tenant, TenantRepository, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { TENANT_NAME_UNIQUE } from '../shared/tenancy-mappers.ts';
import { isUniqueViolation } from '../shared/unique-violation.ts';
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

  list(page: PageRequest): Promise<Page<Tenant>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(tenants)
        .where(page.afterId ? gt(tenants.id, page.afterId) : undefined)
        .orderBy(asc(tenants.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit);
    });
  }

  async create(tenant: Tenant, effects: WriteEffects): Promise<void> {
    try {
      await this.w.transaction(async (tx, apply) => {
        if ((await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, tenant.name)).limit(1)).length > 0) throw new NameTakenError('tenant', tenant.name);
        await tx.insert(tenants).values(tenant);
        await apply(effects);
      });
    } catch (err) {
      // Two creates racing past the check: the unique constraint stops the second.
      throw isUniqueViolation(err, TENANT_NAME_UNIQUE) ? new NameTakenError('tenant', tenant.name) : err;
    }
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
