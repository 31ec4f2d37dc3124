/**
 * The ingestion write on SQLite: one immediate transaction per batch. Samples and latest values go through
 * better-sqlite3 statements prepared once (the hot path: thousands of requests per second, a few samples
 * each); inventory snapshots, which are rare, through Drizzle.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { IngestItem, IngestWriteResult, ReachabilityRule } from '../../domain/ingest.ts';
import type { IngestRepository } from '../ports/ingest.ts';
import type { InventoryDiff, InventoryDiffer } from '../../domain/inventory.ts';
import type { NewEvent } from '../../domain/event.ts';
import { changeRows, chunks, emptyResult, hasInventory, newestPerSeries, snapshotColumns, softwareChanges, tally, type ItemWithInventory } from '../shared/ingest.ts';
import { snapshotOf } from '../shared/inventory.ts';
import { SqliteCheckResultWriter } from './check-results-write.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

interface Statements {
  insertSample: Database.Statement<[string, string, string, number, number, string, string]>;
  upsertLatest: Database.Statement<[string, string, string, string, string, number, number]>;
  agentExists: Database.Statement<[string, string], { one: number }>;
  results: SqliteCheckResultWriter;
}

export class SqliteIngestRepository implements IngestRepository {
  private readonly w: SqliteWriter;
  private statements: Statements | undefined;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  /** Prepared on first use (the tables exist only once migrations ran). */
  private get stmts(): Statements {
    if (this.statements) return this.statements;
    const client = this.w.db.$client;
    this.statements = {
      insertSample: client.prepare('insert into telemetry_samples (tenant_id, agent_id, metric, ts, value, labels, labels_key) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing'),
      // Strictly newer only: on a tie the stored sample stays, as in telemetry_samples (first stored wins).
      upsertLatest: client.prepare(
        `insert into telemetry_latest (tenant_id, agent_id, metric, labels_key, labels, ts, value) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (agent_id, metric, labels_key) do update set tenant_id = excluded.tenant_id, labels = excluded.labels, ts = excluded.ts, value = excluded.value
         where excluded.ts > telemetry_latest.ts`,
      ),
      agentExists: client.prepare('select 1 as one from agents where id = ? and tenant_id = ?'),
      results: new SqliteCheckResultWriter(client),
    };
    return this.statements;
  }

  async writeBatch(items: readonly IngestItem[], diff: InventoryDiffer, reachability?: ReachabilityRule): Promise<IngestWriteResult> {
    const { insertSample, upsertLatest, agentExists, results } = this.stmts;
    return this.w.transaction((tx, apply) => {
      const result = emptyResult();
      for (const item of items) {
        for (const s of item.samples) {
          result.samplesWritten += insertSample.run(s.tenantId, s.agentId, s.metric, s.ts.getTime(), s.value, JSON.stringify(s.labels), s.labelsKey).changes;
        }
      }
      for (const s of newestPerSeries(items)) {
        upsertLatest.run(s.tenantId, s.agentId, s.metric, s.labelsKey, JSON.stringify(s.labels), s.ts.getTime(), s.value);
      }
      const checks = results.write(items, reachability);
      if (checks.written > 0) result.resultsWritten = checks.written;
      if (checks.perItem.length > 0) result.resultsStored = checks.perItem;
      const events: NewEvent[] = checks.events;
      for (const item of items) {
        if (!hasInventory(item)) continue;
        // An agent deleted since it was authenticated: its inventory has nowhere to go (and would break the foreign key).
        if (!agentExists.get(item.agentId, item.tenantId)) continue;
        tally(result, events, writeInventory(tx, item, diff));
      }
      if (events.length > 0) apply({ events });
      return result;
    }, 'immediate');
  }
}

/** Diffs the item's snapshot against the stored one (which an earlier item of the batch may have just written) and stores it. */
function writeInventory(tx: SqliteTx, item: ItemWithInventory, diff: InventoryDiffer): InventoryDiff | null {
  const { tenantId, agentId, inventory } = item;
  const d = diff(
    tx
      .select()
      .from(inventorySnapshots)
      .where(snapshotOf(inventorySnapshots, tenantId, agentId))
      .get() ?? null,
    item,
  );
  if (!d) return null;
  const snapshot = snapshotColumns(item);
  tx.insert(inventorySnapshots)
    .values({ agentId, tenantId, ...snapshot })
    .onConflictDoUpdate({ target: inventorySnapshots.agentId, set: snapshot })
    .run();

  const current = new Map(
    tx
      .select({ name: inventorySoftware.name, version: inventorySoftware.version })
      .from(inventorySoftware)
      .where(eq(inventorySoftware.agentId, agentId))
      .all()
      .map((r) => [r.name, r.version]),
  );
  const { remove, upsert } = softwareChanges(current, inventory.software);
  for (const names of chunks(remove, 500)) {
    tx.delete(inventorySoftware)
      .where(and(eq(inventorySoftware.agentId, agentId), inArray(inventorySoftware.name, names)))
      .run();
  }
  for (const rows of chunks(upsert, 500)) {
    tx.insert(inventorySoftware)
      .values(rows.map((p) => ({ tenantId, agentId, name: p.name, version: p.version })))
      .onConflictDoUpdate({ target: [inventorySoftware.agentId, inventorySoftware.name], set: { version: sql`excluded.version`, tenantId: sql`excluded.tenant_id` } })
      .run();
  }
  for (const rows of chunks(changeRows(d), 200)) tx.insert(inventoryChanges).values(rows).run();
  return d;
}
