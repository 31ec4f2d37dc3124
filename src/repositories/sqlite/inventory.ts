import { count, lt } from 'drizzle-orm';
import type { InventoryChange, SoftwareFilter, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../../domain/inventory.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { InventoryRepository } from '../ports/inventory.ts';
import { byAgentsThenVersion, changeList, installList, packageRows, snapshotOf } from '../shared/inventory.ts';
import { toPage, toPageBy } from '../shared/paging.ts';
import { firstRow } from './rows.ts';
import type { SqliteDb } from './db.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';

const installColumns = { agentId: inventorySoftware.agentId, name: inventorySoftware.name, version: inventorySoftware.version };

export class SqliteInventoryRepository implements InventoryRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async get(tenantId: string, agentId: string): Promise<StoredInventory | null> {
    return firstRow(this.db.select().from(inventorySnapshots), snapshotOf(inventorySnapshots, tenantId, agentId));
  }

  async listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>> {
    const q = changeList(inventoryChanges, tenantId, agentId, page);
    return toPage(this.db.select().from(inventoryChanges).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  async softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]> {
    const agents = count();
    const where = packageRows(inventorySoftware, tenantId, filter);
    return this.db
      .select({ version: inventorySoftware.version, agents })
      .from(inventorySoftware)
      .where(where)
      .groupBy(inventorySoftware.version)
      .orderBy(...byAgentsThenVersion(agents, inventorySoftware))
      .all();
  }

  async softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>> {
    const q = installList(inventorySoftware, tenantId, filter, page);
    return toPageBy(this.db.select(installColumns).from(inventorySoftware).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit, (r) => r.agentId);
  }

  async pruneChanges(cutoff: Date): Promise<number> {
    return this.db.delete(inventoryChanges).where(lt(inventoryChanges.createdAt, cutoff)).run().changes;
  }
}
