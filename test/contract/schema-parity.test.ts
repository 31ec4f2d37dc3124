/** The SQLite and Postgres schemas describe the same tables, columns, nullability, keys and indexes. */
import { getTableConfig as pgTable, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTable, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../../src/repositories/postgres/schema.ts';
import * as sqlite from '../../src/repositories/sqlite/schema.ts';

function shape(config: ReturnType<typeof pgTable> | ReturnType<typeof sqliteTable>) {
  return {
    name: config.name,
    columns: config.columns.map((c) => ({ name: c.name, notNull: c.notNull, primary: c.primary, unique: c.isUnique })).sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: config.foreignKeys.map((fk) => fk.getName()).sort(),
    indexes: config.indexes
      .map((i) => ({ name: i.config.name, unique: i.config.unique ?? false, columns: i.config.columns.map((c) => (c as { name: string }).name) }))
      .sort((a, b) => a.name!.localeCompare(b.name!)),
  };
}

describe('schema parity', () => {
  it('both dialects define the same tables', () => {
    expect(Object.keys(pg).sort()).toEqual(Object.keys(sqlite).sort());
  });

  it.each(Object.keys(pg))('%s has the same columns, nullability, keys and indexes', (name) => {
    const a = shape(pgTable((pg as Record<string, PgTable>)[name]!));
    const b = shape(sqliteTable((sqlite as Record<string, SQLiteTable>)[name]!));
    expect(a).toEqual(b);
  });
});
