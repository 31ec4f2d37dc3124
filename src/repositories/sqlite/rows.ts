/** Reading one row on better-sqlite3: `get()` steps the statement once and answers the first row, or undefined. */
import type { SQL } from 'drizzle-orm';

/** What `db.select(…).from(table)` builds: a select still open for its condition. */
type OpenSelect<T> = { where(condition: SQL): { get(): T | undefined; limit(n: number): { get(): T | undefined } } };

/** The first row of the select that meets the condition, or null. */
export function firstRow<T>(select: OpenSelect<T>, condition: SQL): T | null {
  return select.where(condition).get() ?? null;
}

/** Whether the select finds any row that meets the condition. */
export function anyRow(select: OpenSelect<unknown>, condition: SQL): boolean {
  return select.where(condition).limit(1).get() !== undefined;
}
