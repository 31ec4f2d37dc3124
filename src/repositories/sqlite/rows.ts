/** Reading one row on better-sqlite3: `get()` steps the statement once and answers the first row, or undefined. */
import type { SQL } from 'drizzle-orm';

/** The first row of a select (`db.select(…).from(table)`) that meets the condition, or null. */
export function firstRow<T>(select: { where(condition: SQL): { get(): T | undefined } }, condition: SQL): T | null {
  return select.where(condition).get() ?? null;
}

/** Whether a select (`db.select(…).from(table)`) finds any row that meets the condition. */
export function anyRow(select: { where(condition: SQL): { limit(n: number): { get(): unknown } } }, condition: SQL): boolean {
  return select.where(condition).limit(1).get() !== undefined;
}
