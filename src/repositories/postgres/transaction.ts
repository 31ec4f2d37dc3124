/**
 * Write transactions on Postgres: `apply` writes the mutation's audit row and events in the same
 * transaction; listeners hear about the events only after the commit. The event_offsets upsert locks the
 * tenant's counter row until commit, so one tenant's offsets are assigned and committed in order: a reader
 * that has seen offset n never sees a smaller one commit later (the feed's cursor is "after offset n").
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { CommittedEvents, NewEvent, WriteEffects } from '../../domain/event.ts';
import { byTenant, committedEvents, type CommitListeners } from '../shared/commit-listeners.ts';
import { nullableTextArray, textArray, timeArray } from './arrays.ts';
import type { PgDb, PgPool } from './db.ts';
import { auditLog, eventOffsets, events } from './schema.ts';
import { renderQuery } from './prepared.ts';
import { PgWriteGroups } from './write-groups.ts';

export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];
export type ApplyEffects = (effects: WriteEffects) => Promise<void>;

export class PgWriter {
  readonly pool: PgPool;
  private readonly listeners: CommitListeners;
  private readonly groups: PgWriteGroups;

  constructor(pool: PgPool, listeners: CommitListeners) {
    this.pool = pool;
    this.listeners = listeners;
    this.groups = new PgWriteGroups(pool, listeners, eventsStatement, committedOf);
  }

  /**
   * A write in one round trip, group-committed with the others of its moment (see `PgWriteGroups`): its
   * statements, its audit row and its events go in the next group's transaction. Rejects with the error of
   * its own first failing statement; the other writes of the group still commit.
   */
  pipelined(statements: readonly SQLWrapper[], effects: WriteEffects): Promise<void> {
    const queries = statements.map(renderQuery);
    if (effects.audit) queries.push(this.pool.db.insert(auditLog).values(effects.audit).toSQL());
    return this.groups.write({ queries, events: effects.events ?? [] });
  }

  /**
   * A write in one statement, committed on its own (autocommit: atomic, and one round trip where a
   * transaction costs BEGIN, the statements and COMMIT): each of `statements` is a data-modifying CTE (Postgres
   * runs every one of them to completion, and checks foreign keys at the end of the statement, so a row may
   * reference one inserted by an earlier CTE), then the audit row, then the events (numbered from their
   * tenant's counter row, locked only until this statement commits). The events are of one tenant at most:
   * a write with events of several goes through `pipelined`.
   */
  async statement(statements: readonly SQLWrapper[], effects: WriteEffects): Promise<void> {
    const tenants = [...byTenant(effects.events ?? [])];
    if (tenants.length > 1) throw new Error('PgWriter.statement: events of one tenant at most (use pipelined)');
    const parts = [...statements];
    if (effects.audit) parts.push(this.pool.db.insert(auditLog).values(effects.audit));
    const ctes = sql.join(
      // getSQL(): a query builder embedded as itself is wrapped in parentheses, which a CTE's body may not be.
      parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p.getSQL()})`),
      sql`, `,
    );
    const [tenant] = tenants;
    if (!tenant) {
      await this.pool.run((db) => db.execute(sql`with ${ctes} select 1`));
      return;
    }
    const [tenantId, batch] = tenant;
    const rows = await this.pool.run((db) => db.execute<{ seq: string | number }>(sql`with ${ctes}, ${eventsWith(tenantId, batch)}`));
    this.listeners.notify([committedOf(tenantId, batch, rows)]);
  }

  async transaction<T>(work: (tx: PgTx, apply: ApplyEffects) => Promise<T>): Promise<T> {
    const committed: CommittedEvents[] = [];
    const result = await this.pool.run((db) =>
      db.transaction((tx) =>
        work(tx, async (effects) => {
          committed.push(...(await writeEffects(tx, effects)));
        }),
      ),
    );
    this.listeners.notify(committed);
    return result;
  }
}

/**
 * The audit row and each tenant's events go out together (postgres.js pipelines the statements of a
 * transaction issued without waiting): one round trip. Each tenant's offsets and events are one statement,
 * so the tenant's counter row is locked from that statement to the commit, not across another round trip.
 */
async function writeEffects(tx: PgTx, effects: WriteEffects): Promise<CommittedEvents[]> {
  const writes: Promise<CommittedEvents | undefined>[] = [];
  if (effects.audit)
    writes.push(
      tx
        .insert(auditLog)
        .values(effects.audit)
        .then(() => undefined),
    );
  for (const [tenantId, batch] of byTenant(effects.events ?? [])) writes.push(insertEvents(tx, tenantId, batch));
  return (await Promise.all(writes)).filter((c) => c !== undefined);
}

async function insertEvents(tx: PgTx, tenantId: string, batch: NewEvent[]): Promise<CommittedEvents> {
  return committedOf(tenantId, batch, await tx.execute<{ seq: string | number }>(eventsStatement(tenantId, batch)));
}

/** A tenant's events and its offset counter in one statement: the counter row is locked from here to the commit. */
function eventsStatement(tenantId: string, batch: NewEvent[]): SQL {
  return sql`with ${eventsWith(tenantId, batch)}`;
}

/**
 * The body of the events statement after its `with`: the offset counter's CTE (`o`), then the insert of the
 * events numbered from it, `returning seq`. Other CTEs may go before it (`statement`).
 */
function eventsWith(tenantId: string, batch: NewEvent[]): SQL {
  const n = batch.length;
  return sql`
    o as (
      insert into ${eventOffsets} (tenant_id, last_seq) values (${tenantId}::uuid, ${n}::int)
      on conflict (tenant_id) do update set last_seq = ${eventOffsets}.last_seq + ${n}::int
      returning last_seq
    )
    insert into ${events} (tenant_id, seq, type, resource_type, resource_id, data, created_at)
    select ${tenantId}::uuid, o.last_seq - ${n}::int + v.ord, v.type, v.resource_type, v.resource_id, v.data::jsonb, v.created_at
    from o, unnest(
      ${textArray(batch.map((e) => e.type))}::text[], ${textArray(batch.map((e) => e.resourceType))}::text[],
      ${nullableTextArray(batch.map((e) => e.resourceId))}::text[], ${textArray(batch.map((e) => JSON.stringify(e.data)))}::text[],
      ${timeArray(batch.map((e) => e.createdAt))}::timestamptz[]
    ) with ordinality as v(type, resource_type, resource_id, data, created_at, ord)
    returning seq`;
}

function committedOf(tenantId: string, batch: NewEvent[], rows: readonly { seq: string | number }[]): CommittedEvents {
  return committedEvents(tenantId, Math.max(...rows.map((r) => Number(r.seq))), batch);
}
