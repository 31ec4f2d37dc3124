import { and, asc, count, desc, eq, gt, lt } from 'drizzle-orm';
import type { InventoryChange, InventoryRepository, SoftwareFilter, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../ingest-types.ts';
import type { Page, PageRequest } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { toPageBy } from '../shared/ingest.ts';
import type { SqliteDb } from './db.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';

export class SqliteInventoryRepository implements InventoryRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async get(tenantId: string, agentId: string): Promise<StoredInventory | null> {
    return (
      this.db
        .select()
        .from(inventorySnapshots)
        .where(and(eq(inventorySnapshots.tenantId, tenantId), eq(inventorySnapshots.agentId, agentId)))
        .get() ?? null
    );
  }

  async listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>> {
    const rows = this.db
      .select()
      .from(inventoryChanges)
      .where(and(eq(inventoryChanges.tenantId, tenantId), eq(inventoryChanges.agentId, agentId), page.afterId ? lt(inventoryChanges.id, page.afterId) : undefined))
      .orderBy(desc(inventoryChanges.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows, page.limit);
  }

  async softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]> {
    // One row per agent and package (primary key), so counting rows counts agents.
    const agents = count();
    return this.db
      .select({ version: inventorySoftware.version, agents })
      .from(inventorySoftware)
      .where(and(eq(inventorySoftware.tenantId, tenantId), eq(inventorySoftware.name, filter.name)))
      .groupBy(inventorySoftware.version)
      .orderBy(desc(agents), asc(inventorySoftware.version))
      .all();
  }

  async softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>> {
    const rows = this.db
      .select({ agentId: inventorySoftware.agentId, name: inventorySoftware.name, version: inventorySoftware.version })
      .from(inventorySoftware)
      .where(
        and(
          eq(inventorySoftware.tenantId, tenantId),
          eq(inventorySoftware.name, filter.name),
          filter.version !== undefined ? eq(inventorySoftware.version, filter.version) : undefined,
          page.afterId ? gt(inventorySoftware.agentId, page.afterId) : undefined,
        ),
      )
      .orderBy(asc(inventorySoftware.agentId))
      .limit(page.limit + 1)
      .all();
    return toPageBy(rows, page.limit, (r) => r.agentId);
  }

  async pruneChanges(cutoff: Date): Promise<number> {
    return this.db.delete(inventoryChanges).where(lt(inventoryChanges.createdAt, cutoff)).run().changes;
  }
}
