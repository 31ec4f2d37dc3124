/** A commit without a sync of its own: only that write runs at NORMAL, and the connection's level comes back whatever happens. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitUnsynced } from '../../../src/repositories/sqlite/unsynced-commit.ts';

describe('commitUnsynced', () => {
  let dir: string;
  let client: Database.Database;
  const level = () => client.pragma('synchronous', { simple: true });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentry-unsynced-'));
    client = new Database(join(dir, 'test.db'));
    client.pragma('journal_mode = WAL');
    client.exec('create table t (id integer primary key)');
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits at NORMAL under FULL, then restores FULL', () => {
    client.pragma('synchronous = FULL');
    const seen = commitUnsynced(client, () => {
      client.prepare('insert into t values (1)').run();
      return level();
    });
    expect(seen).toBe(1);
    expect(level()).toBe(2);
    expect(client.prepare('select count(*) as n from t').get()).toEqual({ n: 1 });
  });

  it('restores the level when the write throws, and keeps EXTRA as EXTRA', () => {
    client.pragma('synchronous = EXTRA');
    expect(() =>
      commitUnsynced(client, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(level()).toBe(3);
  });

  it('leaves NORMAL and OFF as they are', () => {
    for (const [name, value] of [
      ['NORMAL', 1],
      ['OFF', 0],
    ] as const) {
      client.pragma(`synchronous = ${name}`);
      expect(commitUnsynced(client, level)).toBe(value);
      expect(level()).toBe(value);
    }
  });
});
