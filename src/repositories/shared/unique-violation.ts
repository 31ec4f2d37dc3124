/**
 * Recognises a unique-constraint violation from either driver, through Drizzle's query-error wrapper:
 * Postgres reports the constraint's name (SQLSTATE 23505), SQLite the table and columns in its message.
 */
import { NAME_TAKEN, type NameTaken } from '../../domain/outcomes.ts';

export interface UniqueTarget {
  /** Postgres constraint or unique index name, e.g. `sections_tenant_name_key`. */
  constraint: string;
  /** SQLite's wording of the columns, e.g. `sections.tenant_id, sections.name`. */
  columns: string;
}

export function isUniqueViolation(err: unknown, target: UniqueTarget): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, constraint_name: constraint } = e as Error & { code?: unknown; constraint_name?: unknown };
    if (code === '23505' && constraint === target.constraint) return true;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message.includes(target.columns)) return true;
  }
  return false;
}

/**
 * Runs a write that checks the name itself first; a concurrent write of the same name that got past that
 * check is stopped by the unique index, and both answer `name_taken`. Works for SQLite's synchronous
 * transactions and Postgres' async ones alike.
 */
export async function nameTakenOnViolation<T>(target: UniqueTarget, write: () => T | Promise<T>): Promise<T | NameTaken> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, target)) return NAME_TAKEN;
    throw err;
  }
}
