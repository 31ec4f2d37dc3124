import { count, sql } from 'drizzle-orm';
import type { InventoryChange, SoftwareFilter, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../../domain/inventory.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { InventoryRepository } from '../ports/inventory.ts';
import { byAgentsThenVersion, changeList, installList, packageRows, snapshotOf } from '../shared/inventory.ts';
import { toPage, toPageBy } from '../shared/paging.ts';
import { affected } from './affected.ts';
import { firstRow } from './rows.ts';
import type { PgPool } from './db.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';

/**
 * `before`/`after` are read without Drizzle's jsonb decoder: postgres.js has parsed the jsonb already, and
 * Drizzle would JSON.parse a string value a second time (a version "1.0" would come back as the number 1).
 */
const changeColumns = {
  id: inventoryChanges.id,
  tenantId: inventoryChanges.tenantId,
  agentId: inventoryChanges.agentId,
  kind: inventoryChanges.kind,
  name: inventoryChanges.name,
  before: sql<unknown>`${inventoryChanges.before}`,
  after: sql<unknown>`${inventoryChanges.after}`,
  collectedAt: inventoryChanges.collectedAt,
  createdAt: inventoryChanges.createdAt,
};

const installColumns = { agentId: inventorySoftware.agentId, name: inventorySoftware.name, version: inventorySoftware.version };

export class PgInventoryRepository implements InventoryRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  get(tenantId: string, agentId: string): Promise<StoredInventory | null> {
    return this.pool.run((db) => firstRow(db.select().from(inventorySnapshots), snapshotOf(inventorySnapshots, tenantId, agentId)));
  }

  listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>> {
    const q = changeList(inventoryChanges, tenantId, agentId, page);
    return this.pool.run(async (db) => toPage(await db.select(changeColumns).from(inventoryChanges).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]> {
    const agents = count();
    const where = packageRows(inventorySoftware, tenantId, filter);
    return this.pool.run((db) =>
      db
        .select({ version: inventorySoftware.version, agents })
        .from(inventorySoftware)
        .where(where)
        .groupBy(inventorySoftware.version)
        .orderBy(...byAgentsThenVersion(agents, inventorySoftware)),
    );
  }

  softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>> {
    const q = installList(inventorySoftware, tenantId, filter, page);
    return this.pool.run(async (db) => toPageBy(await db.select(installColumns).from(inventorySoftware).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit, (r) => r.agentId));
  }

  pruneChanges(cutoff: Date): Promise<number> {
    return this.pool.run(async (db) => affected(await db.execute(sql`delete from ${inventoryChanges} where ${inventoryChanges.createdAt} < ${cutoff.toISOString()}::timestamptz`)));
  }
}
