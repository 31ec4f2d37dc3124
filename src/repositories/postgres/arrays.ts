/**
 * Postgres array literals for `unnest($1::uuid[], …)` bulk statements: one parameter per column whatever
 * the row count (no 65535-parameter limit, one planned statement). Drizzle's postgres-js driver passes
 * parameters through as text, so arrays are sent in the array input syntax: every element double-quoted,
 * with `"` and `\` backslash-escaped.
 *
 * JSON values go as `text[]` and are cast one by one in the statement (`select …, j::jsonb from unnest(…)
 * as u(…, j)`), never as `jsonb[]`: Postgres 15 reads a `jsonb[]` literal about six times slower than the
 * same literal as `text[]` with each element cast (4,000 Smotra results: 57–69 ms against 11–12 ms). Where
 * there are thousands of them (check results), one JSON array zipped in by `rows from (…,
 * json_array_elements(…))` spares the quoting and escaping of each text here.
 */
export function textArray(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i]!;
    // Most values (ids, metric names, timestamps) need no escaping: skip the regex for them.
    out += `"${v.includes('"') || v.includes('\\') ? v.replace(/[\\"]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}

/** Like textArray, with nulls (spelled NULL, unquoted). */
export function nullableTextArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : textArray([v]).slice(1, -1))).join(',')}}`;
}

/**
 * Array input for values that need no quoting: numbers (as float8/int; `join` spells every number as
 * String() does, which is what Postgres reads, NaN and ±Infinity included), NULL, UUIDs, enum names, t/f.
 * No per-element callback (the ingestion writer sends ~10k per batch).
 */
export function plainArray(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

export const numberArray: (values: readonly number[]) => string = plainArray;

/** Dates as ISO strings, for `::timestamptz[]`. */
export function timeArray(values: readonly Date[]): string {
  return textArray(values.map((d) => d.toISOString()));
}
