import { eq } from 'drizzle-orm';
import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import { ALREADY_DONE, done, NAME_TAKEN } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { Tenant } from '../../domain/tenant.ts';
import type { TenantRepository } from '../ports/tenant.ts';
import { toPage } from '../shared/paging.ts';
import { TENANT_NAME_UNIQUE, tenantList } from '../shared/tenant.ts';
import { nameTakenOnViolation } from '../shared/unique-violation.ts';
import { operatorTokens, tenants } from './schema.ts';
import { firstRow } from './rows.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteTenantRepository implements TenantRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async findById(id: string): Promise<Tenant | null> {
    return firstRow(this.w.db.select().from(tenants), eq(tenants.id, id));
  }

  async findByName(name: string): Promise<Tenant | null> {
    return firstRow(this.w.db.select().from(tenants), eq(tenants.name, name));
  }

  async list(page: PageRequest): Promise<Page<Tenant>> {
    const q = tenantList(tenants, page);
    return toPage(this.w.db.select().from(tenants).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  create(tenant: Tenant, effects: WriteEffects) {
    return nameTakenOnViolation(TENANT_NAME_UNIQUE, () =>
      this.w.transaction((tx, apply) => {
        if (tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, tenant.name)).get()) return NAME_TAKEN;
        tx.insert(tenants).values(tenant).run();
        apply(effects);
        return done();
      }),
    );
  }

  async bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      if (tx.select({ id: tenants.id }).from(tenants).limit(1).get()) return ALREADY_DONE;
      tx.insert(tenants).values(tenant).run();
      tx.insert(operatorTokens).values(token).run();
      apply(effects);
      return done();
    });
  }
}
