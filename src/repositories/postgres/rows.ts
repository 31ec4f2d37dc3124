/** Reading one row on Postgres: the select asks for one row (`limit 1`) and answers it, or null. */
import type { SQL } from 'drizzle-orm';

/** What `db.select(…).from(table)` builds: a select still open for its condition. */
type OpenSelect<T> = { where(condition: SQL): { limit(n: number): PromiseLike<T[]> } };

/** The first row of the select that meets the condition, or null. */
export async function firstRow<T>(select: OpenSelect<T>, condition: SQL): Promise<T | null> {
  return (await select.where(condition).limit(1))[0] ?? null;
}

/** Whether the select finds any row that meets the condition. */
export async function anyRow(select: OpenSelect<unknown>, condition: SQL): Promise<boolean> {
  return (await select.where(condition).limit(1)).length > 0;
}
