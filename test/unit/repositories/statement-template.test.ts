/**
 * Statements built once from placeholders: the rows they write are the rows Drizzle's builder writes for
 * the same values (encoders applied, NULL kept NULL rather than JSON's 'null'), and a template used with
 * values it was not built for fails instead of writing NULL.
 */
import Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreparedTemplate } from '../../../src/repositories/sqlite/prepared-template.ts';
import { columnPlaceholders, setValue, StatementTemplate } from '../../../src/repositories/shared/statement-template.ts';

const fillParams = (q: { sql: string; params: unknown[] }, values: object) => new StatementTemplate(q).paramsFor(values);

const items = sqliteTable('items', {
  id: text('id').primaryKey(),
  doc: text('doc', { mode: 'json' }).$type<Record<string, unknown>>(),
  at: integer('at', { mode: 'timestamp_ms' }),
  on: integer('on', { mode: 'boolean' }).notNull(),
});

describe('statement templates', () => {
  let client: Database.Database;
  let db: ReturnType<typeof drizzle>;
  beforeEach(() => {
    client = new Database(':memory:');
    client.exec('create table items (id text primary key, doc text, at integer, "on" integer not null)');
    db = drizzle({ client });
  });
  afterEach(() => client.close());

  const raw = (id: string) => client.prepare('select id, doc, at, "on" from items where id = ?').get(id);

  it('writes what the builder writes, JSON and dates encoded, null as NULL', () => {
    const insert = new PreparedTemplate(client, db.insert(items).values(columnPlaceholders(items)).toSQL());
    const at = new Date('2026-12-03T10:00:00.123Z');
    for (const [id, doc, when] of [
      ['a', { k: [1, 'two'] }, at],
      ['b', null, null],
    ] as const) {
      insert.run({ id: `t-${id}`, doc, at: when, on: id === 'a' });
      db.insert(items)
        .values({ id: `d-${id}`, doc, at: when, on: id === 'a' })
        .run();
      expect({ ...(raw(`t-${id}`) as object), id }).toEqual({ ...(raw(`d-${id}`) as object), id });
    }
    expect(raw('t-a')).toEqual({ id: 't-a', doc: '{"k":[1,"two"]}', at: at.getTime(), on: 1 });
    expect(raw('t-b')).toEqual({ id: 't-b', doc: null, at: null, on: 0 });
  });

  it('fills placeholders in updates, in conditions and in `sql` fragments; other parameters stay as built', () => {
    db.insert(items).values({ id: 'x', doc: null, at: null, on: true }).run();
    const touch = new PreparedTemplate(
      client,
      db
        .update(items)
        .set({ at: setValue('at'), doc: sql`json_object('n', ${sql.placeholder('n')})` })
        .where(eq(items.id, sql.placeholder('id')))
        .toSQL(),
    );
    expect(touch.run({ id: 'x', at: new Date(5), n: 'seven' }).changes).toBe(1);
    expect(raw('x')).toEqual({ id: 'x', doc: '{"n":"seven"}', at: 5, on: 1 });
    expect(touch.run({ id: 'nobody', at: new Date(6), n: 'eight' }).changes).toBe(0);
  });

  it('refuses values that lack a placeholder, so that a template never writes NULL by mistake', () => {
    const q = db.insert(items).values(columnPlaceholders(items)).toSQL();
    expect(() => fillParams(q, { id: 'y', doc: null, on: true })).toThrow(/no value for placeholder "at"/);
    // Present but undefined is written as NULL: a template has no DEFAULT to fall back on (its columns have none).
    expect(fillParams(q, { id: 'y', doc: null, at: undefined, on: true })).toEqual(['y', null, null, 1]);
  });

  it('takes `source.key` placeholders from the records given under each source', () => {
    const both = db
      .insert(items)
      .values([columnPlaceholders(items, 'first'), columnPlaceholders(items, 'second')])
      .toSQL();
    const first = { id: 'p', doc: { a: 1 }, at: null, on: true };
    const second = { id: 'q', doc: null, at: new Date(9), on: false };
    expect(fillParams(both, { first, second })).toEqual(['p', '{"a":1}', null, 1, 'q', null, 9, 0]);
    expect(() => fillParams(both, { first })).toThrow(/no value for placeholder "second.id"/);
  });
});
