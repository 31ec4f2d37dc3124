/** Kept apart from file-lock.ts so that the CLI entry can recognise the error without loading the SQLite driver. */

/** The SQLite database cannot be opened now: `agentry restore` holds its lock. */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}
