/**
 * Recognises database failures that say "the database is unreachable or restarting right now", as opposed
 * to "this query is wrong": from either driver, through Drizzle's query-error wrapper (the cause chain).
 * The HTTP layer answers them 503 with Retry-After (clients retry), never 500. The one place that
 * classifies them, so that every route, worker and the readiness check agree.
 */

/** Socket-level failures (Node) and postgres.js's own connection errors. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a server going away or not there yet: 57P01 admin shutdown (pg_terminate_backend, fast
 * stop), 57P02 crash shutdown, 57P03 cannot connect now (starting up, "not yet accepting connections"),
 * 53300 too many connections. Class 08 (connection exception) is matched by prefix.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Wording of the same conditions, for errors raised before a SQLSTATE is known. */
const MESSAGES = /the database system is (not yet accepting connections|starting up|shutting down|in recovery mode)|terminating connection due to/i;

/**
 * The transient condition behind `err` (a driver code such as `ECONNREFUSED`, `57P03` or `SQLITE_BUSY`),
 * or null when the error is not a transient database fault.
 */
export function transientDatabaseFault(err: unknown): string | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string') {
      if (CONNECTION_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return code;
      // better-sqlite3: the busy timeout ran out while another connection held the write lock.
      if (code.startsWith('SQLITE_BUSY')) return code;
    }
    if (MESSAGES.test(e.message)) return typeof code === 'string' ? code : 'connection';
    // AggregateError from net.connect trying several addresses (each refused).
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((inner) => transientDatabaseFault(inner) !== null)) {
      return transientDatabaseFault(e.errors[0]);
    }
  }
  return null;
}
