import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import type { AlreadyDone, Done, NameTaken } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { Tenant } from '../../domain/tenant.ts';

export interface TenantRepository {
  findById(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  /** Oldest first (by id). */
  list(page: PageRequest): Promise<Page<Tenant>>;
  /** `name_taken` when a tenant of that name exists (also when a concurrent create won the race). */
  create(tenant: Tenant, effects: WriteEffects): Promise<Done | NameTaken>;
  /**
   * Creates the default tenant and the first system token unless a tenant exists already (`already_done`).
   * Safe when several instances start at once: only one creates them.
   */
  bootstrap(tenant: Tenant, token: OperatorTokenRecord, effects: WriteEffects): Promise<Done | AlreadyDone>;
}
