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
  // Built once per client: Drizzle reads `unsafe` for every statement.
  const unsafe = ((query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
    client.unsafe(query, params, shouldPrepare(params, options) ? { ...options, prepare: true } : options)) as Unsafe;
  // begin(fn) or begin(options, fn); savepoint(fn) or savepoint(name, fn): the callback gets a preparing client too.
  const withPreparingCallback =
    (method: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const last = args.length - 1;
      const callback = args[last] as Callback;
      args[last] = (sql: postgres.TransactionSql) => callback(preparingClient(sql));
      return method.apply(client, args);
    };
  const begin = 'begin' in client ? withPreparingCallback(client.begin as (...args: unknown[]) => unknown) : undefined;
  const savepoint = 'savepoint' in client ? withPreparingCallback(client.savepoint as (...args: unknown[]) => unknown) : undefined;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') return unsafe;
      if (property === 'begin' && begin) return begin;
      if (property === 'savepoint' && savepoint) return savepoint;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
