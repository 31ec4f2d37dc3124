/**
 * Statements of a transaction run prepared. Drizzle's `execute` sends a statement unprepared, and
 * postgres.js then asks the server for its parameter types before it sends the parameters: two round trips
 * per statement. Prepared (postgres.js prepares a statement once per connection and reuses it by its text),
 * a statement is one round trip, and statements issued together without waiting are pipelined. The
 * ingestion writer's bulk statements go this way: under load each round trip also waits for a turn of an
 * event loop busy with requests, so round trips, not SQL, set the writer's pace.
 */
import type { Query, SQL, SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { StatementTemplate } from '../shared/statement-template.ts';
import type { PgTx } from './transaction.ts';

const dialect = new PgDialect();

/** The text and parameters of a statement (an `sql` template or a query builder), for postgres.js. */
export function renderQuery(statement: SQLWrapper): Query {
  return dialect.sqlToQuery(statement.getSQL());
}

/** What a postgres-js transaction's session holds (drizzle's PostgresJsSession types its client as a pool). */
type Session = { client: postgres.TransactionSql };

/** Runs `query` on the transaction's connection as a prepared statement; resolves with its rows. */
export function executePrepared<T extends Record<string, unknown>>(tx: PgTx, query: SQL): Promise<T[]> {
  const q = renderQuery(query);
  // Drizzle types a transaction's session as the driver-neutral PgSession; on postgres-js it is this one.
  const { client } = tx._.session as unknown as Session;
  return client.unsafe<T[]>(q.sql, q.params as postgres.ParameterOrJSON<never>[], { prepare: true }).execute();
}

/** Runs a statement template (built once, shared/statement-template.ts) filled with `values`, prepared: on the transaction's connection, or on `client` (autocommit). */
export function executeTemplate<T extends Record<string, unknown>>(on: PgTx | postgres.Sql, template: StatementTemplate, values: object): Promise<T[]> {
  const client = 'unsafe' in on ? on : (on._.session as unknown as Session).client;
  return client.unsafe<T[]>(template.sql, template.paramsFor(values) as postgres.ParameterOrJSON<never>[], { prepare: true }).execute();
}
