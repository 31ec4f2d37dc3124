/** Drizzle's statements prepared once per text: the same answers as fresh statements, in whichever row mode Drizzle asks for. */
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqlite } from '../../../src/repositories/sqlite/db.ts';
import { withStatementCache } from '../../../src/repositories/sqlite/statement-cache.ts';

const items = sqliteTable('items', { id: integer('id').primaryKey(), name: text('name').notNull() });

describe('withStatementCache', () => {
  let client: Database.Database;
  let prepare: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    client = new Database(':memory:');
    client.exec("create table items (id integer primary key, name text not null); insert into items values (1, 'a'), (2, 'b')");
    prepare = vi.spyOn(client, 'prepare');
  });
  afterEach(() => client.close());

  it('prepares a text once, however often Drizzle runs it', () => {
    const db = drizzle({ client: withStatementCache(client) });
    for (let i = 0; i < 5; i++) expect(db.select().from(items).where(sql`${items.id} = ${2}`).all()).toEqual([{ id: 2, name: 'b' }]);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('answers a plain read with objects after the same text ran with arrays (raw), and the other way round', () => {
    const db = drizzle({ client: withStatementCache(client) });
    // Drizzle reads selected fields in raw mode, and a plain `sql` read in object mode: the same text here.
    const text = db.select({ id: items.id, name: items.name }).from(items).orderBy(items.id).toSQL().sql;
    expect(db.select({ id: items.id, name: items.name }).from(items).orderBy(items.id).all()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(db.all(sql.raw(text))).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(db.get(sql.raw(text))).toEqual({ id: 1, name: 'a' });
    expect(db.select({ id: items.id, name: items.name }).from(items).orderBy(items.id).get()).toEqual({ id: 1, name: 'a' });
    expect(db.values(sql.raw(text))).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('runs writes and transactions on the connection itself', () => {
    const db = drizzle({ client: withStatementCache(client) });
    db.transaction((tx) => {
      tx.insert(items).values({ id: 3, name: 'c' }).run();
      tx.insert(items).values({ id: 4, name: 'd' }).run();
    });
    expect(() =>
      db.transaction((tx) => {
        tx.insert(items).values({ id: 5, name: 'e' }).run();
        tx.insert(items).values({ id: 3, name: 'dup' }).run();
      }),
    ).toThrow(/UNIQUE/);
    expect(client.prepare('select id from items order by id').pluck().all()).toEqual([1, 2, 3, 4]);
    expect(client.inTransaction).toBe(false);
  });

  it('keeps at most its capacity, dropping the least recently used text', () => {
    const db = drizzle({ client: withStatementCache(client, 2) });
    const read = (n: number) => db.all(sql.raw(`select ${n} as n`));
    read(1);
    read(2);
    read(1); // 1 is now the most recently used
    read(3); // drops 2
    expect(prepare).toHaveBeenCalledTimes(3);
    read(1);
    read(3);
    expect(prepare).toHaveBeenCalledTimes(3);
    read(2);
    expect(prepare).toHaveBeenCalledTimes(4);
  });

  it('leaves $client the connection itself for statements prepared by hand', () => {
    const db = openSqlite(':memory:', { busyTimeoutMs: 1000, synchronous: 'normal' });
    expect(db.$client).toBeInstanceOf(Database);
    expect(db.$client.prepare('select 7').pluck().get()).toBe(7);
    expect(db.all(sql`select 7 as n`)).toEqual([{ n: 7 }]);
    db.$client.close();
  });
});
