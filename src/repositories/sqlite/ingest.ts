/**
 * The ingestion write on SQLite: one immediate transaction per batch. Samples go to the time-series layout
 * (series id from memory, else looked up or created; a (series, ts, value) row per sample; the latest value
 * once per series per batch) through better-sqlite3 statements prepared once (the hot path: thousands of
 * requests per second, a few samples each); inventory snapshots, which are rare, through Drizzle.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { IngestItem, IngestWriteResult, ReachabilityRule } from '../../domain/ingest.ts';
import type { IngestRepository } from '../ports/ingest.ts';
import type { InventoryDiff, InventoryDiffer } from '../../domain/inventory.ts';
import type { NewEvent } from '../../domain/event.ts';
import { changeRows, chunks, emptyResult, hasInventory, snapshotColumns, softwareChanges, tally, type ItemWithInventory } from '../shared/ingest.ts';
import { fillSeries, newestPerSeriesId, SeriesIds, seriesOfBatch } from '../shared/telemetry-series.ts';
import { snapshotOf } from '../shared/inventory.ts';
import { SqliteCheckResultWriter } from './check-results-write.ts';
import { MultiRowInsert } from './multi-row.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';
import type { PointTally } from './point-tally.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

interface Statements {
  findSeries: Database.Statement<[string, string, string, string], { id: number }>;
  createSeries: Database.Statement<[string, string, string, string, string], { id: number }>;
  insertPoints: MultiRowInsert;
  upsertLatest: MultiRowInsert;
  agentExists: Database.Statement<[string, string], { one: number }>;
  results: SqliteCheckResultWriter;
}

export class SqliteIngestRepository implements IngestRepository {
  private readonly w: SqliteWriter;
  private statements: Statements | undefined;
  private readonly series: SeriesIds;
  private readonly points: PointTally;

  constructor(writer: SqliteWriter, points: PointTally, series = new SeriesIds()) {
    this.w = writer;
    this.points = points;
    this.series = series;
  }

  /** Prepared on first use (the tables exist only once migrations ran). */
  private get stmts(): Statements {
    if (this.statements) return this.statements;
    const client = this.w.db.$client;
    this.statements = {
      findSeries: client.prepare('select id from telemetry_series where tenant_id = ? and agent_id = ? and metric = ? and labels_key = ?'),
      createSeries: client.prepare('insert into telemetry_series (tenant_id, agent_id, metric, labels_key, labels) values (?, ?, ?, ?, ?) returning id'),
      insertPoints: new MultiRowInsert(client, 'insert into telemetry_points (series_id, ts, value)', 3, 'on conflict do nothing'),
      // Strictly newer only: on a tie the stored sample stays, as in telemetry_points (first stored wins).
      upsertLatest: new MultiRowInsert(
        client,
        'insert into telemetry_series_latest (series_id, ts, value)',
        3,
        'on conflict (series_id) do update set ts = excluded.ts, value = excluded.value where excluded.ts > telemetry_series_latest.ts',
      ),
      agentExists: client.prepare('select 1 as one from agents where id = ? and tenant_id = ?'),
      results: new SqliteCheckResultWriter(client),
    };
    return this.statements;
  }

  async writeBatch(items: readonly IngestItem[], diff: InventoryDiffer, reachability?: ReachabilityRule): Promise<IngestWriteResult> {
    const { findSeries, createSeries, insertPoints, upsertLatest, agentExists, results } = this.stmts;
    const batch = seriesOfBatch(items, this.series);
    const written = this.w.transaction((tx, apply) => {
      const result = emptyResult();
      for (const s of batch.missing) s.id = (findSeries.get(s.tenantId, s.agentId, s.metric, s.labelsKey) ?? createSeries.get(s.tenantId, s.agentId, s.metric, s.labelsKey, JSON.stringify(s.labels)))?.id;
      const ids = fillSeries(batch);
      const points: number[] = [];
      let i = 0;
      for (const item of items) for (const s of item.samples) points.push(ids[i++]!, s.ts.getTime(), s.value);
      result.samplesWritten = insertPoints.run(points);
      const latest: number[] = [];
      for (const [id, newest] of newestPerSeriesId(items, ids)) latest.push(id, newest.ts, newest.value);
      upsertLatest.run(latest);
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
    this.series.remember(batch.missing);
    this.points.add(written.samplesWritten);
    return written;
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
