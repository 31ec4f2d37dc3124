/**
 * A select of whole rows of one table, built once (shared/statement-template.ts) and run on a
 * transaction's connection: its rows are mapped to the table's record by the columns' own decoders, the way
 * Drizzle's select maps them (postgres.js hands timestamps over as text and JSON parsed, as it does to
 * Drizzle). For selects that run inside transactions, where a Drizzle prepared statement (bound to the
 * pool's session) cannot go.
 */
import { type Column, getTableColumns, type SQLWrapper, type Table } from 'drizzle-orm';
import { StatementTemplate } from '../shared/statement-template.ts';
import { executeTemplate, renderQuery } from './prepared.ts';
import type { PgTx } from './transaction.ts';

export class RowsTemplate<T extends Table> {
  private readonly template: StatementTemplate;
  /** Record key, column name and column of every column, in the table's order. */
  private readonly columns: [string, string, Column][];

  /** `query`: a `select()` of every column of `table` (no joins, no aliases), with placeholders. */
  constructor(table: T, query: SQLWrapper) {
    this.template = new StatementTemplate(renderQuery(query));
    this.columns = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name, column]);
  }

  async rows(tx: PgTx, values: object): Promise<T['$inferSelect'][]> {
    const raw = await executeTemplate(tx, this.template, values);
    return raw.map((row) => this.record(row));
  }

  private record(row: Record<string, unknown>): T['$inferSelect'] {
    const out: Record<string, unknown> = {};
    for (const [key, name, column] of this.columns) {
      const v = row[name];
      out[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
    }
    return out as T['$inferSelect'];
  }
}
