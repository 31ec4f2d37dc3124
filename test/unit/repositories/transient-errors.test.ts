/** Which database errors are "unavailable, retry" (503) rather than defects (500): both drivers, through Drizzle's wrapper. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { transientDatabaseFault } from '../../../src/repositories/shared/transient-errors.ts';

const coded = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
const wrapped = (cause: Error) => new DrizzleQueryError('select 1 from agent_keys where key_hash = $1', ['deadbeef'], cause);

describe('transientDatabaseFault', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'])('connection failure %s', (code) => {
    expect(transientDatabaseFault(coded(code))).toBe(code);
    expect(transientDatabaseFault(wrapped(coded(code)))).toBe(code);
  });

  it.each(['08000', '08003', '08006', '08001', '08P01', '57P01', '57P02', '57P03', '53300'])('SQLSTATE %s', (code) => {
    expect(transientDatabaseFault(wrapped(coded(code)))).toBe(code);
  });

  it('"the database system is not yet accepting connections" without a code', () => {
    expect(transientDatabaseFault(new Error('the database system is not yet accepting connections'))).toBe('connection');
  });

  it('every address of a connect refused (AggregateError)', () => {
    expect(transientDatabaseFault(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe('ECONNREFUSED');
  });

  it('SQLITE_BUSY from a real lock held past the busy timeout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-busy-'));
    const holder = new Database(join(dir, 'db.sqlite'));
    const waiter = new Database(join(dir, 'db.sqlite'), { timeout: 20 });
    try {
      holder.exec('create table t (x integer)');
      holder.exec('begin exclusive');
      let err: unknown;
      try {
        waiter.exec('insert into t values (1)');
      } catch (e) {
        err = e;
      }
      expect(transientDatabaseFault(err)).toMatch(/^SQLITE_BUSY/);
      expect(transientDatabaseFault(wrapped(err as Error))).toMatch(/^SQLITE_BUSY/);
    } finally {
      holder.close();
      waiter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['unique violation', coded('23505', 'duplicate key value violates unique constraint')],
    ['syntax error', coded('42601', 'syntax error')],
    ['SQLite constraint', coded('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('not transient: %s', (_name, err) => {
    expect(transientDatabaseFault(err)).toBeNull();
    expect(transientDatabaseFault(wrapped(err))).toBeNull();
  });
});
