/**
 * Drizzle prepares every query it runs on better-sqlite3 anew: SQLite parses and plans the text each time,
 * which on an operator write of a few statements (a command submit, a token) costs more than running them.
 * This hands Drizzle a view of the connection whose `prepare` returns the statement prepared before for the
 * same text (most recently used first; the least recently used past `capacity` are dropped and finalized
 * by the garbage collector). Everything else goes to the connection itself.
 *
 * A better-sqlite3 statement keeps its `raw` mode between calls, and Drizzle switches it on for queries with
 * selected fields (`stmt.raw().all()`) but not for plain `sql` reads (`stmt.all()`): a reused statement is
 * put back in object mode before each plain read, so one text can serve both.
 */
import type Database from 'better-sqlite3';

/** Distinct statement texts kept per connection: Drizzle's queries number in the low hundreds; `in (?, ?, …)` lists of many lengths make more. */
export const STATEMENT_CACHE_CAPACITY = 500;

type Statement = Database.Statement<unknown[], unknown>;

/** The statement surface Drizzle's better-sqlite3 session uses. */
class ReusedStatement {
  readonly #stmt: Statement;

  constructor(stmt: Statement) {
    this.#stmt = stmt;
  }

  get reader(): boolean {
    return this.#stmt.reader;
  }

  run(...params: unknown[]): Database.RunResult {
    return this.#stmt.run(...params);
  }

  get(...params: unknown[]): unknown {
    return this.#objects().get(...params);
  }

  all(...params: unknown[]): unknown[] {
    return this.#objects().all(...params);
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    return this.#objects().iterate(...params);
  }

  /** Rows as arrays, for the call chained on it (Drizzle's `stmt.raw().all()`). */
  raw(toggle = true): Statement {
    return this.#stmt.raw(toggle);
  }

  #objects(): Statement {
    return this.#stmt.reader ? this.#stmt.raw(false) : this.#stmt;
  }
}

/** `client` as Drizzle should see it: `prepare` answered from a per-connection cache. */
export function withStatementCache(client: Database.Database, capacity = STATEMENT_CACHE_CAPACITY): Database.Database {
  const cache = new Map<string, ReusedStatement>();
  const prepare = (source: string): ReusedStatement => {
    let stmt = cache.get(source);
    if (stmt) {
      // Most recently used last, so that the first entry is the one to drop.
      cache.delete(source);
    } else {
      stmt = new ReusedStatement(client.prepare(source));
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, prop, target);
      // better-sqlite3's methods are native and check that `this` is the connection itself.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
