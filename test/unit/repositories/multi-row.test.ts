/** Many-row inserts: every row written once, in order, whatever the count relative to the statement size. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MultiRowInsert, ROWS_PER_STATEMENT } from '../../../src/repositories/sqlite/multi-row.ts';

describe('MultiRowInsert', () => {
  it.each([0, 1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT + 1, 2 * ROWS_PER_STATEMENT + 5])('writes %i rows and counts the changed ones', (n) => {
    const db = new Database(':memory:');
    db.exec('create table t (k integer primary key, v text not null)');
    const insert = new MultiRowInsert(db, 'insert into t (k, v)', 2, 'on conflict do nothing');
    const values = Array.from({ length: n }, (_, i) => [i, `v${i}`]).flat();
    expect(insert.run(values)).toBe(n);
    // Written again with one new row: only that one changes.
    expect(insert.run([...values, n, 'new'])).toBe(1);
    expect(db.prepare('select k, v from t order by k').all()).toEqual([...Array.from({ length: n }, (_, i) => ({ k: i, v: `v${i}` })), { k: n, v: 'new' }]);
    db.close();
  });
});
