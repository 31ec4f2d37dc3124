/**
 * Postgres array literals for `unnest($1::uuid[], …)` bulk statements: one parameter per column whatever
 * the row count (no 65535-parameter limit, one planned statement). Drizzle's postgres-js driver passes
 * parameters through as text, so arrays are sent in the array input syntax: every element double-quoted,
 * with `"` and `\` backslash-escaped.
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

/** Numbers as float8 array input (NaN and ±Infinity are spelled the way Postgres reads them). */
export function numberArray(values: readonly number[]): string {
  return `{${values.map((v) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v))).join(',')}}`;
}

/** Dates as ISO strings, for `::timestamptz[]`. */
export function timeArray(values: readonly Date[]): string {
  return textArray(values.map((d) => d.toISOString()));
}
