/**
 * The ingestion write on Postgres: one transaction per batch. Samples go to the time-series layout: series
 * ids come from memory, the ones not cached are looked up or created by one statement; samples and latest
 * values (once per series) are then written with one `insert … select from unnest(arrays)` each (a fixed
 * number of parameters whatever the batch size), in primary-key order so that concurrent batches lock rows
 * in the same order. Inventory snapshots are
 * serialised per agent across instances by a transaction-level advisory lock taken before anything is read.
 */
import { eq, sql } from 'drizzle-orm';
import type { IngestItem, IngestWriteResult, ReachabilityRule } from '../../domain/ingest.ts';
import type { IngestRepository } from '../ports/ingest.ts';
import type { InventoryDiff, InventoryDiffer } from '../../domain/inventory.ts';
import type { NewEvent } from '../../domain/event.ts';
import { changeRows, chunks, emptyResult, hasInventory, snapshotColumns, softwareChanges, tally, type ItemWithInventory } from '../shared/ingest.ts';
import { fillSeries, newestPerSeriesId, SeriesIds, seriesOfBatch, type NewSeries } from '../shared/telemetry-series.ts';
import { snapshotOf } from '../shared/inventory.ts';
import { affected } from './affected.ts';
import { writeCheckResults } from './check-results-write.ts';
import { numberArray, textArray } from './arrays.ts';
import { inventoryChanges, inventorySnapshots, inventorySoftware } from './schema.ts';
import type { PgTx, PgWriter } from './transaction.ts';

/** First key of the two-key advisory locks serialising one agent's inventory writes (second key: hash of the agent id). */
const INVENTORY_LOCK_CLASS = 734_621;

/** Rows per unnest statement: bounds the size of one statement's parameters, not a hard limit. */
const UNNEST_CHUNK = 10_000;

export class PgIngestRepository implements IngestRepository {
  private readonly w: PgWriter;
  private readonly series: SeriesIds;

  constructor(writer: PgWriter, series = new SeriesIds()) {
    this.w = writer;
    this.series = series;
  }

  async writeBatch(items: readonly IngestItem[], diff: InventoryDiffer, reachability?: ReachabilityRule): Promise<IngestWriteResult> {
    const batch = seriesOfBatch(items, this.series);
    const written = await this.w.transaction(async (tx, apply) => {
      const result = emptyResult();
      for (const missing of chunks(batch.missing, UNNEST_CHUNK)) await resolveSeries(tx, missing);
      const points = samplePoints(items, fillSeries(batch));
      for (const rows of chunks(points, UNNEST_CHUNK)) result.samplesWritten += await insertPoints(tx, rows);
      const latest = [...newestPerSeriesId(items, batch.ids)].sort((a, b) => a[0] - b[0]);
      for (const rows of chunks(latest, UNNEST_CHUNK)) await upsertLatest(tx, rows);
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
      // makes a concurrent delete wait for this transaction instead of racing it. Rows are locked in id order
      // (a bitmap scan would take them in table order), as the heartbeat's flip to online locks them.
      const live = await tx.execute<{ id: string; tenant_id: string }>(sql`select id, tenant_id from agents where id = any(${textArray(agentIds)}::uuid[]) order by id for key share`);
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
    this.series.remember(batch.missing);
    return written;
  }
}

/**
 * Sets the id of each series: existing ones are read, the others inserted, in one statement (in key order, so
 * that concurrent batches take the unique index's locks in one order). A series another transaction created
 * after this statement's snapshot is neither inserted (conflict) nor seen: those few are read again.
 */
async function resolveSeries(tx: PgTx, missing: NewSeries[]): Promise<void> {
  // Postgres prints uuids in lower case; the ids given may not be.
  const key = (r: { tenant_id: string; agent_id: string; metric: string; labels_key: string }) => `${r.tenant_id.toLowerCase()}/${r.agent_id.toLowerCase()}\u0000${r.metric}\u0000${r.labels_key}`;
  const wanted = new Map(missing.map((s) => [key({ tenant_id: s.tenantId, agent_id: s.agentId, metric: s.metric, labels_key: s.labelsKey }), s]));
  const input = sql`unnest(${textArray(missing.map((s) => s.tenantId))}::uuid[], ${textArray(missing.map((s) => s.agentId))}::uuid[], ${textArray(missing.map((s) => s.metric))}::text[],
      ${textArray(missing.map((s) => s.labelsKey))}::text[], ${textArray(missing.map((s) => JSON.stringify(s.labels)))}::text[]) as i(tenant_id, agent_id, metric, labels_key, labels)`;
  const match = sql`s.tenant_id = i.tenant_id and s.agent_id = i.agent_id and s.metric = i.metric and s.labels_key = i.labels_key`;
  type Row = { id: number; tenant_id: string; agent_id: string; metric: string; labels_key: string };
  const rows = await tx.execute<Row>(sql`
    with i as (select * from ${input}),
    created as (
      insert into telemetry_series (tenant_id, agent_id, metric, labels_key, labels)
      select i.tenant_id, i.agent_id, i.metric, i.labels_key, i.labels::jsonb from i where not exists (select 1 from telemetry_series s where ${match})
      order by 1, 2, 3, 4
      on conflict do nothing
      returning id, tenant_id, agent_id, metric, labels_key)
    select id, tenant_id::text, agent_id::text, metric, labels_key from created
    union all
    select s.id, s.tenant_id::text, s.agent_id::text, s.metric, s.labels_key from telemetry_series s join i on ${match}`);
  for (const r of rows) setId(wanted, key(r), r.id);
  const late = missing.filter((s) => s.id === undefined);
  if (late.length === 0) return;
  const again = await tx.execute<Row>(sql`
    select s.id, s.tenant_id::text, s.agent_id::text, s.metric, s.labels_key from telemetry_series s
    join unnest(${textArray(late.map((s) => s.tenantId))}::uuid[], ${textArray(late.map((s) => s.agentId))}::uuid[], ${textArray(late.map((s) => s.metric))}::text[],
      ${textArray(late.map((s) => s.labelsKey))}::text[]) as i(tenant_id, agent_id, metric, labels_key) on ${match}`);
  for (const r of again) setId(wanted, key(r), r.id);
}

function setId(wanted: Map<string, NewSeries>, key: string, id: number): void {
  const s = wanted.get(key);
  if (s) s.id = id;
}

/** (series id, ts, value) per sample, in primary-key order. */
function samplePoints(items: readonly IngestItem[], ids: readonly number[]): [number, number, number][] {
  const points: [number, number, number][] = [];
  let i = 0;
  for (const item of items) for (const s of item.samples) points.push([ids[i++]!, s.ts.getTime(), s.value]);
  return points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

async function insertPoints(tx: PgTx, rows: [number, number, number][]): Promise<number> {
  const res = await tx.execute(sql`
    insert into telemetry_points (series_id, ts, value)
    select * from unnest(${numberArray(rows.map((r) => r[0]))}::int[], ${numberArray(rows.map((r) => r[1]))}::int8[], ${numberArray(rows.map((r) => r[2]))}::float8[])
    on conflict do nothing`);
  return affected(res);
}

/** One row per series (an upsert cannot touch a row twice). Strictly newer only: on a tie the stored sample stays. */
async function upsertLatest(tx: PgTx, rows: [number, { ts: number; value: number }][]): Promise<void> {
  await tx.execute(sql`
    insert into telemetry_series_latest (series_id, ts, value)
    select * from unnest(${numberArray(rows.map((r) => r[0]))}::int[], ${numberArray(rows.map((r) => r[1].ts))}::int8[], ${numberArray(rows.map((r) => r[1].value))}::float8[])
    on conflict (series_id) do update set ts = excluded.ts, value = excluded.value
      where excluded.ts > telemetry_series_latest.ts`);
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
