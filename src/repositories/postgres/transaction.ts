/**
 * Write transactions on Postgres: `apply` writes the mutation's audit row and events in the same
 * transaction; listeners hear about the events only after the commit. The event_offsets upsert locks the
 * tenant's counter row until commit, so one tenant's offsets are assigned and committed in order: a reader
 * that has seen offset n never sees a smaller one commit later (the feed's cursor is "after offset n").
 */
import type { SQLWrapper } from 'drizzle-orm';
import type { CommittedEvents, NewEvent, WriteEffects } from '../../domain/event.ts';
import { byTenant, committedEvents, type CommitListeners } from '../shared/commit-listeners.ts';
import type { StatementTemplate } from '../shared/statement-template.ts';
import type { PgDb, PgPool } from './db.ts';
import { cteStatement, EffectTemplates, eventParams } from './effect-statements.ts';
import { executeTemplate, renderQuery } from './prepared.ts';
import { auditLog } from './schema.ts';
import { PgWriteGroups } from './write-groups.ts';

export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];
export type ApplyEffects = (effects: WriteEffects) => Promise<void>;

export class PgWriter {
  readonly pool: PgPool;
  private readonly listeners: CommitListeners;
  private readonly groups: PgWriteGroups;
  private readonly templates: EffectTemplates;

  constructor(pool: PgPool, listeners: CommitListeners) {
    this.pool = pool;
    this.listeners = listeners;
    this.templates = new EffectTemplates(pool.db);
    // Every operator write group sends its tenants' events: the template, filled per group.
    this.groups = new PgWriteGroups(pool, listeners, (tenantId, batch) => fill(this.templates.events, { ev: eventParams(tenantId, batch) }), committedOf);
  }

  /**
   * A write in one round trip, group-committed with the others of its moment (see `PgWriteGroups`): its
   * statements, its audit row and its events go in the next group's transaction. Rejects with the error of
   * its own first failing statement; the other writes of the group still commit.
   */
  pipelined(statements: readonly SQLWrapper[], effects: WriteEffects): Promise<void> {
    const queries = statements.map(renderQuery);
    if (effects.audit) queries.push(fill(this.templates.audit, effects.audit));
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
    const tenant = oneTenant(effects);
    const parts = [...statements];
    if (effects.audit) parts.push(this.pool.db.insert(auditLog).values(effects.audit));
    const rows = await this.pool.run((db) => db.execute<{ seq: string | number }>(cteStatement(parts, tenant ? eventParams(...tenant) : null)));
    if (tenant) this.listeners.notify([committedOf(...tenant, rows)]);
  }

  /**
   * `statement` for the insert of one row of `table` (`name`: its name, which keys the template): the
   * whole statement is built once per table and shape, and each call only fills it.
   */
  async insertRow(table: Parameters<PgDb['insert']>[0], name: string, row: object, effects: WriteEffects): Promise<void> {
    const tenant = oneTenant(effects);
    const template = this.templates.rowInsert(table, name, effects.audit !== undefined, tenant !== undefined);
    const values = { row, audit: effects.audit, ev: tenant ? eventParams(...tenant) : undefined };
    const rows = await this.pool.run((db) => executeTemplate<{ seq: string | number }>(db.$client, template, values));
    if (tenant) this.listeners.notify([committedOf(...tenant, rows)]);
  }

  async transaction<T>(work: (tx: PgTx, apply: ApplyEffects) => Promise<T>): Promise<T> {
    const committed: CommittedEvents[] = [];
    const result = await this.pool.run((db) =>
      db.transaction((tx) =>
        work(tx, async (effects) => {
          committed.push(...(await this.writeEffects(tx, effects)));
        }),
      ),
    );
    this.listeners.notify(committed);
    return result;
  }

  /**
   * The audit row and each tenant's events go out together (postgres.js pipelines the statements of a
   * transaction issued without waiting): one round trip. Each tenant's offsets and events are one statement,
   * so the tenant's counter row is locked from that statement to the commit, not across another round trip.
   */
  private async writeEffects(tx: PgTx, effects: WriteEffects): Promise<CommittedEvents[]> {
    const writes: Promise<CommittedEvents | undefined>[] = [];
    if (effects.audit) writes.push(executeTemplate(tx, this.templates.audit, effects.audit).then(() => undefined));
    for (const [tenantId, batch] of byTenant(effects.events ?? []))
      writes.push(executeTemplate<{ seq: string | number }>(tx, this.templates.events, { ev: eventParams(tenantId, batch) }).then((rows) => committedOf(tenantId, batch, rows)));
    return (await Promise.all(writes)).filter((c) => c !== undefined);
  }
}

/** The one tenant whose events a one-statement write carries, if any (events of several go through `pipelined`). */
function oneTenant(effects: WriteEffects): [string, NewEvent[]] | undefined {
  const tenants = [...byTenant(effects.events ?? [])];
  if (tenants.length > 1) throw new Error('PgWriter.statement: events of one tenant at most (use pipelined)');
  return tenants[0];
}

function fill(template: StatementTemplate, values: object): { sql: string; params: unknown[]; typings?: never } {
  return { sql: template.sql, params: template.paramsFor(values) };
}

function committedOf(tenantId: string, batch: NewEvent[], rows: readonly { seq: string | number }[]): CommittedEvents {
  return committedEvents(tenantId, Math.max(...rows.map((r) => Number(r.seq))), batch);
}
