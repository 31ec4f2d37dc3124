import { and, asc, count, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { InventoryChange, InventoryRepository, SoftwareFilter, SoftwareInstall, SoftwareVersionCount, StoredInventory } from '../ingest-types.ts';
import type { Page, PageRequest } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { toPageBy } from '../shared/ingest.ts';
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

export class PgInventoryRepository implements InventoryRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  get(tenantId: string, agentId: string): Promise<StoredInventory | null> {
    return this.pool.run(
      async (db) =>
        (
          await db
            .select()
            .from(inventorySnapshots)
            .where(and(eq(inventorySnapshots.tenantId, tenantId), eq(inventorySnapshots.agentId, agentId)))
            .limit(1)
        )[0] ?? null,
    );
  }

  listChanges(tenantId: string, agentId: string, page: PageRequest): Promise<Page<InventoryChange>> {
    return this.pool.run(async (db) => {
      const rows = await db
        .select(changeColumns)
        .from(inventoryChanges)
        .where(and(eq(inventoryChanges.tenantId, tenantId), eq(inventoryChanges.agentId, agentId), page.afterId ? lt(inventoryChanges.id, page.afterId) : undefined))
        .orderBy(desc(inventoryChanges.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit);
    });
  }

  softwareVersions(tenantId: string, filter: SoftwareFilter): Promise<SoftwareVersionCount[]> {
    // One row per agent and package (primary key), so counting rows counts agents.
    const agents = count();
    return this.pool.run((db) =>
      db
        .select({ version: inventorySoftware.version, agents })
        .from(inventorySoftware)
        .where(and(eq(inventorySoftware.tenantId, tenantId), eq(inventorySoftware.name, filter.name)))
        .groupBy(inventorySoftware.version)
        .orderBy(desc(agents), asc(inventorySoftware.version)),
    );
  }

  softwareInstalls(tenantId: string, filter: SoftwareFilter, page: PageRequest): Promise<Page<SoftwareInstall>> {
    return this.pool.run(async (db) => {
      const rows = await db
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
        .limit(page.limit + 1);
      return toPageBy(rows, page.limit, (r) => r.agentId);
    });
  }

  pruneChanges(cutoff: Date): Promise<number> {
    return this.pool.run(async (db) => {
      const res = await db.execute(sql`delete from ${inventoryChanges} where ${inventoryChanges.createdAt} < ${cutoff.toISOString()}::timestamptz`);
      return (res as unknown as { count: number }).count;
    });
  }
}
