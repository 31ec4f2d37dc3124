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
import type { PgWriter } from './transaction.ts';

const BOOTSTRAP_LOCK = 7_346_210_002;

export class PgTenantRepository implements TenantRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  findById(id: string): Promise<Tenant | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(tenants), eq(tenants.id, id)));
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(tenants), eq(tenants.name, name)));
  }

  list(page: PageRequest): Promise<Page<Tenant>> {
    const q = tenantList(tenants, page);
    return this.w.pool.run(async (db) => toPage(await db.select().from(tenants).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  create(tenant: Tenant, effects: WriteEffects) {
    // Two creates racing past the check: the unique constraint stops the second (name_taken as well).
    return nameTakenOnViolation(TENANT_NAME_UNIQUE, () =>
      this.w.transaction(async (tx, apply) => {
        if ((await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, tenant.name)).limit(1)).length > 0) return NAME_TAKEN;
        await tx.insert(tenants).values(tenant);
        await apply(effects);
        return done();
      }),
    );
  }

  bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      // Serialises concurrent first starts; the loser sees the tenant and does nothing.
      await tx.execute(`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
      if ((await tx.select({ id: tenants.id }).from(tenants).limit(1)).length > 0) return ALREADY_DONE;
      await tx.insert(tenants).values(tenant);
      await tx.insert(operatorTokens).values(token);
      await apply(effects);
      return done();
    });
  }
}
