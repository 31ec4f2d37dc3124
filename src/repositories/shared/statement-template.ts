/**
 * Statements built once. Drizzle builds a statement's text anew on every call, and for the tables written
 * most (agents, the audit log, events) that costs more than running it: 24–75 KB of short-lived objects per
 * statement (an agent insert 64 KB, an audit row 33 KB, a tenant's event counter 37 KB; docs/performance.md).
 * Enrolling a fleet of 10,000 agents allocated 4–5 GB that way, and on Postgres much of it lived long
 * enough (across round trips) to be promoted to the old generation and swell the heap.
 *
 * A template is a statement built with Drizzle from placeholders (`sql.placeholder`) and rendered once; each
 * use fills its parameters. Values go through their columns' encoders as Drizzle's own builder sends them
 * (JSON serialised, dates to the column's representation, booleans as the dialect stores them), except that
 * null stays null: Drizzle's `fillPlaceholders` would encode it too (JSON's `'null'` text in a JSON
 * column), where its builder writes SQL NULL.
 */
import { getTableColumns, is, Param, Placeholder, type Query, sql, type Table } from 'drizzle-orm';

/**
 * Every column of `table` as the placeholder of its key (`source.key` with a `source`): the values of a
 * whole-row insert, built once.
 */
export function columnPlaceholders<T extends Table>(table: T, source?: string): Record<keyof T['_']['columns'], Placeholder> {
  const out: Record<string, Placeholder> = {};
  for (const key of Object.keys(getTableColumns(table))) out[key] = sql.placeholder(source === undefined ? key : `${source}.${key}`);
  return out as Record<keyof T['_']['columns'], Placeholder>;
}

/**
 * A placeholder where an update's `set` takes a column's value: Drizzle wraps it with the column's encoder
 * at run time as it does a value, but its types accept only values there.
 */
export function setValue(name: string): never {
  return sql.placeholder(name) as never;
}

/** Where a parameter's value comes from: fixed when the statement was built, or a placeholder's value. */
type Slot = { fixed: unknown } | { name: string; source: string | null; key: string; encoder: Param['encoder'] | null };

/** A rendered template: its text, and its parameters for given values. */
export class StatementTemplate {
  readonly sql: string;
  private readonly slots: readonly Slot[];

  constructor(query: Query) {
    this.sql = query.sql;
    this.slots = query.params.map((p): Slot => {
      const placeholder = is(p, Param) && is(p.value, Placeholder) ? p.value : is(p, Placeholder) ? p : null;
      if (!placeholder) return { fixed: p };
      const dot = placeholder.name.indexOf('.');
      return {
        name: placeholder.name,
        source: dot < 0 ? null : placeholder.name.slice(0, dot),
        key: dot < 0 ? placeholder.name : placeholder.name.slice(dot + 1),
        encoder: is(p, Param) ? p.encoder : null,
      };
    });
  }

  /**
   * The parameters for `values`, each placeholder's value encoded by its column when it has one. Keyed by
   * placeholder name (a record whose columns are the placeholders' names will do); a placeholder named
   * `source.key` takes `values[source][key]`, so one statement may write several records (a row, its audit
   * entry) without copying them into one object.
   */
  paramsFor(values: object): unknown[] {
    const out = new Array<unknown>(this.slots.length);
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if ('fixed' in slot) {
        out[i] = slot.fixed;
        continue;
      }
      const from = (slot.source === null ? values : (values as Record<string, object | undefined>)[slot.source]) as Record<string, unknown> | undefined;
      const v = from?.[slot.key];
      // A missing key is a template built for other values: fail loudly rather than write NULL.
      if (v === undefined && !(from && slot.key in from)) throw new Error(`statement template: no value for placeholder "${slot.name}"`);
      out[i] = v === null || v === undefined ? null : slot.encoder ? slot.encoder.mapToDriverValue(v) : v;
    }
    return out;
  }
}
