/**
 * The SQLite settings that bound the server's memory (docs/performance.md, Memory): `database.sqliteCacheMb` reaches the
 * connection's page cache, and the WAL checkpoint worker (plain JavaScript, a small isolate) still copies
 * committed pages into the database file off the request thread.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { startCheckpointer } from '../../src/repositories/sqlite/checkpointer.ts';
import { openSqlite } from '../../src/repositories/sqlite/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-sqlite-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** cache_size as SQLite reports it: negative values are KiB. */
function cacheSizeOf(name: string, cacheMb?: number): number {
  const db = openSqlite(`sqlite:${join(dir, `${name}.db`)}`, { busyTimeoutMs: 1000, synchronous: 'full', cacheMb });
  try {
    return db.$client.pragma('cache_size', { simple: true }) as number;
  } finally {
    db.$client.close();
  }
}

describe('database.sqliteCacheMb', () => {
  it('defaults to 16 MiB and reads another size from the environment', () => {
    expect(loadConfig({ env: {} }).database.sqliteCacheMb).toBe(16);
    expect(loadConfig({ env: { AGENTRY_DATABASE_SQLITE_CACHE_MB: '64' } }).database.sqliteCacheMb).toBe(64);
  });

  it('refuses a size below 1 MiB or not a whole number', () => {
    expect(() => loadConfig({ env: { AGENTRY_DATABASE_SQLITE_CACHE_MB: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { AGENTRY_DATABASE_SQLITE_CACHE_MB: '1.5' } })).toThrow(ConfigError);
  });

  it('sets the page cache of the connection', () => {
    expect(cacheSizeOf('default')).toBe(-16 * 1024);
    expect(cacheSizeOf('eight', 8)).toBe(-8 * 1024);
  });
});

describe('WAL checkpoint worker', () => {
  it('copies committed pages into the database file while the main connection never checkpoints', async () => {
    const path = join(dir, 'checkpoint.db');
    const db = openSqlite(`sqlite:${path}`, { busyTimeoutMs: 1000, synchronous: 'full' });
    const errors: string[] = [];
    const checkpointer = startCheckpointer(db.$client, path, 1000, (m) => errors.push(m));
    try {
      db.$client.exec('CREATE TABLE filler (body BLOB)');
      const before = statSync(path).size;
      db.$client.prepare('INSERT INTO filler (body) VALUES (zeroblob(2097152))').run();
      // Committed to the WAL only: the database file grows when a checkpoint copies the pages back.
      const deadline = Date.now() + 5000;
      while (statSync(path).size < before + 2 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(statSync(path).size).toBeGreaterThanOrEqual(before + 2 * 1024 * 1024);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer.stop();
      db.$client.close();
    }
  });
});
