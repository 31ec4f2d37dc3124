/**
 * Drizzle's statements sent prepared. Drizzle runs its query builder's statements through postgres.js's
 * `unsafe` with `prepare: false` (unless a statement is given a name), and postgres.js then asks the server
 * for the parameter types before it sends the parameters: two round trips per statement, each waiting for
 * a turn of a busy event loop. Prepared, a statement is one round trip; postgres.js prepares a text once
 * per connection and reuses it.
 *
 * Only statements with a few parameters are prepared: each distinct text stays prepared on its connection
 * (until the driver retires the connection, `max_lifetime`), and statements whose text grows with their
 * data (multi-row inserts, long `in` lists) would make an unbounded number of texts. Statements without
 * parameters take one round trip already.
 */
import type postgres from 'postgres';

/** Statements with more parameters than this are sent unprepared. */
export const PREPARE_MAX_PARAMS = 64;

type Unsafe = postgres.Sql['unsafe'];
type Callback = (sql: postgres.TransactionSql) => unknown;

function shouldPrepare(params: readonly unknown[] | undefined, options: { prepare?: boolean } | undefined): boolean {
  return options?.prepare !== true && params !== undefined && params.length > 0 && params.length <= PREPARE_MAX_PARAMS;
}

/** `client` with its `unsafe` (and that of its transactions and savepoints) preparing small parameterised statements. */
export function preparingClient<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe = target.unsafe.bind(target) as Unsafe;
        return ((query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          unsafe(query, params, shouldPrepare(params, options) ? { ...options, prepare: true } : options)) as Unsafe;
      }
      if (property === 'begin' || property === 'savepoint') {
        const method = Reflect.get(target, property, target) as (...args: unknown[]) => unknown;
        // begin(fn) or begin(options, fn); savepoint(fn) or savepoint(name, fn).
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const callback = args[last] as Callback;
          args[last] = (sql: postgres.TransactionSql) => callback(preparingClient(sql));
          return method.apply(target, args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
