/**
 * database.sqliteSynchronous: FULL by default (a 2xx survives a power loss), NORMAL when configured; the
 * value reaches the connection that writes, and anything else is refused at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { openSqlite } from '../../src/repositories/sqlite/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-synchronous-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SQLite's numbering: 1 = NORMAL, 2 = FULL. */
function pragmaOf(synchronous: 'full' | 'normal'): number {
  const db = openSqlite(`sqlite:${join(dir, `${synchronous}.db`)}`, { busyTimeoutMs: 1000, synchronous });
  try {
    return db.$client.pragma('synchronous', { simple: true }) as number;
  } finally {
    db.$client.close();
  }
}

describe('database.sqliteSynchronous', () => {
  it('defaults to full and reads normal from the environment', () => {
    expect(loadConfig({ env: {} }).database.sqliteSynchronous).toBe('full');
    expect(loadConfig({ env: { AGENTRY_DATABASE_SQLITE_SYNCHRONOUS: 'normal' } }).database.sqliteSynchronous).toBe('normal');
  });

  it('refuses any other level', () => {
    expect(() => loadConfig({ env: { AGENTRY_DATABASE_SQLITE_SYNCHRONOUS: 'off' } })).toThrow(ConfigError);
  });

  it('sets the pragma on the connection', () => {
    expect(pragmaOf('full')).toBe(2);
    expect(pragmaOf('normal')).toBe(1);
  });
});
