/**
 * The statements that write a mutation's audit row and events on Postgres, and the one-statement form of a
 * write (data-modifying CTEs, then the audit row, then the events). Each has a template form, built from
 * placeholders and rendered once per writer (shared/statement-template.ts): every mutation of the product
 * writes these, and Drizzle's builder cost ~90 KB of short-lived objects per mutation for them alone.
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { NewEvent } from '../../domain/event.ts';
import { columnPlaceholders, StatementTemplate } from '../shared/statement-template.ts';
import { nullableTextArray, textArray, timeArray } from './arrays.ts';
import type { PgDb } from './db.ts';
import { renderQuery } from './prepared.ts';
import { auditLog, eventOffsets, events } from './schema.ts';

/** The parameters of a tenant's events statement: values, or the placeholders of a template (source `ev`). */
export interface EventParams {
  tenant: unknown;
  n: unknown;
  types: unknown;
  resourceTypes: unknown;
  resourceIds: unknown;
  data: unknown;
  createdAts: unknown;
}

/** A tenant's batch of events as the statement's parameters (one array per column). */
export function eventParams(tenantId: string, batch: readonly NewEvent[]): EventParams {
  return {
    tenant: tenantId,
    n: batch.length,
    types: textArray(batch.map((e) => e.type)),
    resourceTypes: textArray(batch.map((e) => e.resourceType)),
    resourceIds: nullableTextArray(batch.map((e) => e.resourceId)),
    data: textArray(batch.map((e) => JSON.stringify(e.data))),
    createdAts: timeArray(batch.map((e) => e.createdAt)),
  };
}

const EVENT_PLACEHOLDERS: EventParams = {
  tenant: sql.placeholder('ev.tenant'),
  n: sql.placeholder('ev.n'),
  types: sql.placeholder('ev.types'),
  resourceTypes: sql.placeholder('ev.resourceTypes'),
  resourceIds: sql.placeholder('ev.resourceIds'),
  data: sql.placeholder('ev.data'),
  createdAts: sql.placeholder('ev.createdAts'),
};

/**
 * The body of the events statement after its `with`: the offset counter's CTE (`o`), then the insert of the
 * events numbered from it, `returning seq`. Other CTEs may go before it (`cteStatement`).
 */
function eventsWith(p: EventParams): SQL {
  return sql`
    o as (
      insert into ${eventOffsets} (tenant_id, last_seq) values (${p.tenant}::uuid, ${p.n}::int)
      on conflict (tenant_id) do update set last_seq = ${eventOffsets}.last_seq + ${p.n}::int
      returning last_seq
    )
    insert into ${events} (tenant_id, seq, type, resource_type, resource_id, data, created_at)
    select ${p.tenant}::uuid, o.last_seq - ${p.n}::int + v.ord, v.type, v.resource_type, v.resource_id, v.data::jsonb, v.created_at
    from o, unnest(${p.types}::text[], ${p.resourceTypes}::text[], ${p.resourceIds}::text[], ${p.data}::text[], ${p.createdAts}::timestamptz[])
      with ordinality as v(type, resource_type, resource_id, data, created_at, ord)
    returning seq`;
}

/**
 * A write as one statement: each of `parts` a data-modifying CTE (`w0`, `w1`, …), then the events (whose
 * rows it returns), or `select 1` without events.
 */
export function cteStatement(parts: readonly SQLWrapper[], events: EventParams | null): SQL {
  const ctes = sql.join(
    // getSQL(): a query builder embedded as itself is wrapped in parentheses, which a CTE's body may not be.
    parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p.getSQL()})`),
    sql`, `,
  );
  return events ? sql`with ${ctes}, ${eventsWith(events)}` : sql`with ${ctes} select 1`;
}

/** The templates a writer fills for every mutation, and the one-statement inserts it has built (one per table and shape). */
export class EffectTemplates {
  private readonly db: PgDb;
  readonly audit: StatementTemplate;
  /** A tenant's events and its offset counter in one statement: the counter row is locked from there to the commit. */
  readonly events: StatementTemplate;
  private readonly inserts = new Map<string, StatementTemplate>();

  constructor(db: PgDb) {
    this.db = db;
    this.audit = new StatementTemplate(renderQuery(db.insert(auditLog).values(columnPlaceholders(auditLog))));
    this.events = new StatementTemplate(renderQuery(sql`with ${eventsWith(EVENT_PLACEHOLDERS)}`));
  }

  /**
   * The statement inserting one row of `table` (values under source `row`), with an audit row (`audit`) or
   * not, and a tenant's events (`ev`) or not.
   */
  rowInsert(table: Parameters<PgDb['insert']>[0], name: string, withAudit: boolean, withEvents: boolean): StatementTemplate {
    const key = `${name}|${withAudit}|${withEvents}`;
    let template = this.inserts.get(key);
    if (!template) {
      const parts: SQLWrapper[] = [this.db.insert(table).values(columnPlaceholders(table, 'row') as never)];
      if (withAudit) parts.push(this.db.insert(auditLog).values(columnPlaceholders(auditLog, 'audit')));
      template = new StatementTemplate(renderQuery(cteStatement(parts, withEvents ? EVENT_PLACEHOLDERS : null)));
      this.inserts.set(key, template);
    }
    return template;
  }
}
