/**
 * The ingestion write on Postgres: one transaction per batch. Samples and latest values are written with
 * one `insert … select from unnest(arrays)` each (a fixed number of parameters whatever the batch size),
 * in primary-key order so that concurrent batches lock rows in the same order. Inventory snapshots are
 * serialised per agent across instances by a transaction-level advisory lock taken before anything is read.
 */
import { eq, sql } from 'drizzle-orm';
import type { IngestItem, IngestWriteResult, ReachabilityRule } from '../../domain/ingest.ts';
import type { IngestRepository } from '../ports/ingest.ts';
import type { InventoryDiff, InventoryDiffer } from '../../domain/inventory.ts';
import type { TelemetryRow } from '../../domain/telemetry.ts';
import type { NewEvent } from '../../domain/event.ts';
import { byPrimaryKey, bySeries, changeRows, chunks, emptyResult, hasInventory, newestPerSeries, snapshotColumns, softwareChanges, tally, type ItemWithInventory } from '../shared/ingest.ts';
import { snapshotOf } from '../shared/inventory.ts';
import { affected } from './affected.ts';
import { writeCheckResults } from './check-results-write.ts';
import { numberArray, textArray, timeArray } from './arrays.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';
import type { PgTx, PgWriter } from './transaction.ts';

/** First key of the two-key advisory locks serialising one agent's inventory writes (second key: hash of the agent id). */
const INVENTORY_LOCK_CLASS = 734_621;

/** Rows per unnest statement: bounds the size of one statement's parameters, not a hard limit. */
const UNNEST_CHUNK = 10_000;

export class PgIngestRepository implements IngestRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  writeBatch(items: readonly IngestItem[], diff: InventoryDiffer, reachability?: ReachabilityRule): Promise<IngestWriteResult> {
    return this.w.transaction(async (tx, apply) => {
      const result = emptyResult();
      for (const rows of chunks(byPrimaryKey(items.flatMap((i) => i.samples)), UNNEST_CHUNK)) result.samplesWritten += await insertSamples(tx, rows);
      for (const rows of chunks(bySeries(newestPerSeries(items)), UNNEST_CHUNK)) await upsertLatest(tx, rows);
      const checks = await writeCheckResults(tx, items, reachability);
      if (checks.written > 0) result.resultsWritten = checks.written;
      if (checks.perItem.length > 0) result.resultsStored = checks.perItem;

      const inventories = items.filter(hasInventory);
      if (inventories.length === 0) {
        if (checks.events.length > 0) await apply({ events: checks.events });
        return result;
      }
      const agentIds = [...new Set(inventories.map((i) => i.agentId))];
      // Lock order is the hash order: two batches with the same agents in another order do not deadlock.
      await tx.execute(sql`select pg_advisory_xact_lock(${INVENTORY_LOCK_CLASS}, h) from (select distinct hashtext(a) as h from unnest(${textArray(agentIds)}::text[]) a order by h) s`);
      // Agents deleted since they were authenticated have nowhere to keep an inventory (foreign key). KEY SHARE
      // makes a concurrent delete wait for this transaction instead of racing it.
      const live = await tx.execute<{ id: string; tenant_id: string }>(sql`select id, tenant_id from agents where id = any(${textArray(agentIds)}::uuid[]) for key share`);
      const exists = new Set(live.map((r) => `${r.tenant_id}/${r.id}`));
      // One apply per transaction: the tenants' event counters are then locked once, in one order.
      const events: NewEvent[] = checks.events;
      for (const item of inventories) {
        if (!exists.has(`${item.tenantId}/${item.agentId}`)) continue;
        tally(result, events, await writeInventory(tx, item, diff));
      }
      if (events.length > 0) await apply({ events });
      return result;
    });
  }
}

async function insertSamples(tx: PgTx, rows: TelemetryRow[]): Promise<number> {
  const res = await tx.execute(sql`
    insert into telemetry_samples (tenant_id, agent_id, metric, ts, value, labels, labels_key)
    select * from unnest(
      ${textArray(rows.map((s) => s.tenantId))}::uuid[], ${textArray(rows.map((s) => s.agentId))}::uuid[], ${textArray(rows.map((s) => s.metric))}::text[],
      ${timeArray(rows.map((s) => s.ts))}::timestamptz[], ${numberArray(rows.map((s) => s.value))}::float8[],
      ${textArray(rows.map((s) => JSON.stringify(s.labels)))}::jsonb[], ${textArray(rows.map((s) => s.labelsKey))}::text[])
    on conflict do nothing`);
  return affected(res);
}

/** Rows must be one per series (an upsert cannot touch a row twice). Strictly newer only: on a tie the stored sample stays. */
async function upsertLatest(tx: PgTx, rows: TelemetryRow[]): Promise<void> {
  await tx.execute(sql`
    insert into telemetry_latest (tenant_id, agent_id, metric, labels_key, labels, ts, value)
    select * from unnest(
      ${textArray(rows.map((s) => s.tenantId))}::uuid[], ${textArray(rows.map((s) => s.agentId))}::uuid[], ${textArray(rows.map((s) => s.metric))}::text[],
      ${textArray(rows.map((s) => s.labelsKey))}::text[], ${textArray(rows.map((s) => JSON.stringify(s.labels)))}::jsonb[],
      ${timeArray(rows.map((s) => s.ts))}::timestamptz[], ${numberArray(rows.map((s) => s.value))}::float8[])
    on conflict (agent_id, metric, labels_key) do update
      set tenant_id = excluded.tenant_id, labels = excluded.labels, ts = excluded.ts, value = excluded.value
      where excluded.ts > telemetry_latest.ts`);
}

/** Diffs the item's snapshot against the stored one (which an earlier item of the batch may have just written) and stores it. */
async function writeInventory(tx: PgTx, item: ItemWithInventory, diff: InventoryDiffer): Promise<InventoryDiff | null> {
  const { tenantId, agentId, inventory } = item;
  const [previous] = await tx
    .select()
    .from(inventorySnapshots)
    .where(snapshotOf(inventorySnapshots, tenantId, agentId))
    .for('update');
  const d = diff(previous ?? null, item);
  if (!d) return null;
  const snapshot = snapshotColumns(item);
  await tx
    .insert(inventorySnapshots)
    .values({ agentId, tenantId, ...snapshot })
    .onConflictDoUpdate({ target: inventorySnapshots.agentId, set: snapshot });

  const stored = await tx.select({ name: inventorySoftware.name, version: inventorySoftware.version }).from(inventorySoftware).where(eq(inventorySoftware.agentId, agentId));
  const { remove, upsert } = softwareChanges(new Map(stored.map((r) => [r.name, r.version])), inventory.software);
  if (remove.length > 0) {
    await tx.execute(sql`delete from inventory_software where agent_id = ${agentId}::uuid and name = any(${textArray(remove)}::text[])`);
  }
  for (const rows of chunks(upsert, UNNEST_CHUNK)) {
    await tx.execute(sql`
      insert into inventory_software (tenant_id, agent_id, name, version)
      select ${tenantId}::uuid, ${agentId}::uuid, name, version from unnest(${textArray(rows.map((p) => p.name))}::text[], ${textArray(rows.map((p) => p.version))}::text[]) as p(name, version)
      on conflict (agent_id, name) do update set version = excluded.version, tenant_id = excluded.tenant_id`);
  }
  for (const rows of chunks(changeRows(d), 1000)) await tx.insert(inventoryChanges).values(rows);
  return d;
}
