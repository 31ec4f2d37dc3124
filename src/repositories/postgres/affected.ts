/**
 * Rows a raw INSERT/UPDATE/DELETE touched. postgres.js answers `db.execute()` with a result array that
 * carries the count as a property; Drizzle types the result as the rows only, hence the one cast, here.
 */
export function affected(result: unknown): number {
  return (result as { count: number }).count;
}
