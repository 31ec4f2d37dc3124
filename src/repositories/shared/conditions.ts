/** Condition builders shared by both dialects. */
import { and, eq, or, type Column, type SQL } from 'drizzle-orm';

/** Every condition holds (absent ones are skipped). Drizzle's `and` may answer undefined; with a first condition it cannot. */
export function allOf(first: SQL, ...rest: (SQL | undefined)[]): SQL {
  return and(first, ...rest) ?? first;
}

/** One of the conditions holds. */
export function anyOf(first: SQL, ...rest: (SQL | undefined)[]): SQL {
  return or(first, ...rest) ?? first;
}

/** One row of a tenant: the id alone never suffices, so another tenant's row is simply not found. */
export function tenantRow(t: { tenantId: Column; id: Column }, tenantId: string, id: string): SQL {
  return allOf(eq(t.tenantId, tenantId), eq(t.id, id));
}
