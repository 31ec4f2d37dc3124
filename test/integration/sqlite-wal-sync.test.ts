/**
 * Group-commit batches on SQLite commit without syncing on the event loop and then sync the WAL on the
 * thread pool (src/repositories/sqlite/wal-sync.ts). What must hold: a batch resolves, and commit listeners
 * hear of its events, only after a sync that started after its commit; syncs coalesce; a failed sync fails
 * its batch; every other write keeps `synchronous = FULL`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommitListeners } from '../../src/repositories/shared/commit-listeners.ts';
import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/db.ts';
import { tenants } from '../../src/repositories/sqlite/schema.ts';
import { SqliteWriter } from '../../src/repositories/sqlite/transaction.ts';
import { WalSync } from '../../src/repositories/sqlite/wal-sync.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-wal-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An fdatasync the test completes by hand, recording each call. */
function manualSync() {
  const calls: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  return { calls, sync: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void calls.push(done) };
}

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setImmediate(r));
  return state;
};

function openWriter(name: string, sync: ReturnType<typeof manualSync>['sync']) {
  const path = join(dir, `${name}.db`);
  const db = openSqlite(`sqlite:${path}`, { busyTimeoutMs: 1000, synchronous: 'full' });
  migrateSqlite(db);
  const listeners = new CommitListeners();
  const heard: number[] = [];
  listeners.add((committed) => heard.push(...committed.map((c) => c.count)));
  const walSync = new WalSync(path, sync);
  return { db, heard, walSync, writer: new SqliteWriter(db, listeners, walSync) };
}

const newTenant = (id: string) => ({ id, name: id, createdAt: new Date() });
const event = (tenantId: string) => ({ tenantId, type: 'agent_online' as const, resourceType: 'agent', resourceId: null, data: {}, createdAt: new Date() });

describe('WAL sync off the event loop', () => {
  it('answers a batch and notifies its listeners only after a sync that started after its commit', async () => {
    const { calls, sync } = manualSync();
    const { db, heard, walSync, writer } = openWriter('order', sync);
    const first = writer.batchTransaction((tx, apply) => {
      tx.insert(tenants).values(newTenant('t1')).run();
      apply({ events: [event('t1')] });
      return 'first';
    });
    // Committed and visible, but not yet synced: neither answered nor announced.
    expect(
      db
        .select()
        .from(tenants)
        .all()
        .map((t) => t.id),
    ).toEqual(['t1']);
    expect(calls).toHaveLength(1);
    expect(await settled(first)).toBe('pending');
    expect(heard).toEqual([]);

    // A second batch commits while the first sync runs: that sync may predate its commit, so it waits for the next.
    const second = writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t2')).run());
    const third = writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t3')).run());
    calls[0]!(null);
    expect(await first).toBe('first');
    expect(heard).toEqual([1]);
    expect(await settled(second)).toBe('pending');
    // One sync covers both later batches.
    expect(calls).toHaveLength(2);
    calls[1]!(null);
    await Promise.all([second, third]);
    expect(calls).toHaveLength(2);
    walSync.close();
    db.$client.close();
  });

  it('fails the batches a failed sync covered, and syncs again for the next one', async () => {
    const { calls, sync } = manualSync();
    const { db, walSync, writer } = openWriter('failure', sync);
    const failed = writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t1')).run());
    calls[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(failed).rejects.toThrow(/EIO/);
    const next = writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t2')).run());
    expect(calls).toHaveLength(2);
    calls[1]!(null);
    await next;
    walSync.close();
    db.$client.close();
  });

  it('keeps synchronous = FULL for every other write, also after a batch that throws', async () => {
    const { calls, sync } = manualSync();
    const { db, walSync, writer } = openWriter('pragma', sync);
    const fullLevel = () => db.$client.pragma('synchronous', { simple: true });
    const batch = writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t1')).run());
    expect(fullLevel()).toBe(2);
    calls[0]!(null);
    await batch;
    await expect(
      writer.batchTransaction(() => {
        throw new Error('bad batch');
      }),
    ).rejects.toThrow('bad batch');
    expect(fullLevel()).toBe(2);
    expect(calls).toHaveLength(1); // nothing committed, nothing to sync
    writer.transaction((tx) => tx.insert(tenants).values(newTenant('t2')).run());
    expect(db.select().from(tenants).all()).toHaveLength(2);
    walSync.close();
    db.$client.close();
  });

  it('syncs the real WAL file with fdatasync', async () => {
    const path = join(dir, 'real.db');
    const db = openSqlite(`sqlite:${path}`, { busyTimeoutMs: 1000, synchronous: 'full' });
    migrateSqlite(db);
    const walSync = new WalSync(path);
    const writer = new SqliteWriter(db, new CommitListeners(), walSync);
    await writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t1')).run());
    await Promise.all([writer.batchTransaction((tx) => tx.insert(tenants).values(newTenant('t2')).run()), walSync.durable()]);
    expect(db.select().from(tenants).all()).toHaveLength(2);
    walSync.close();
    db.$client.close();
  });
});
