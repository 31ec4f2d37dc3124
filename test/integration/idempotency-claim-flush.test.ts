/**
 * On Postgres an idempotency claim commits without waiting for its WAL flush (the guarded work's synced
 * commit, or the key's completion, makes it durable: postgres/idempotency.ts), while the completion still
 * waits for it. Measured on a cluster with durable commits (synchronous_commit on) by the WAL writes the
 * backends report (pg_stat_wal.wal_write): a synced commit writes the WAL at once, an unsynced one leaves it
 * to the WAL writer, which runs every 200 ms. The stats are read after the pool's connections close (a
 * backend reports them when it exits).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRepositories } from '../../src/repositories/index.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../helpers/postgres.ts';

const N = 40;

// Global setup fails CI when Postgres is missing, so this condition only skips locally.
describe.skipIf(!inject('pgUrl'))('idempotency claims on Postgres with durable commits', () => {
  let cluster: PostgresCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster({ durable: true });
    url = await createDatabase(cluster.url, 'claims');
    const repos = await openRepositories({ url, poolSize: 2, busyTimeoutMs: 2000 });
    await repos.close();
  }, 60_000);
  afterAll(() => cluster?.stop());

  const walWrites = async (): Promise<number> => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ n: string }[]>`select wal_write::text as n from pg_stat_wal`;
      return Number(row!.n);
    } finally {
      await sql.end();
    }
  };

  /** `work` on repositories opened for it; the WAL writes the backends report meanwhile. */
  const writesDuring = async (work: (repos: Awaited<ReturnType<typeof openRepositories>>) => Promise<void>): Promise<number> => {
    const before = await walWrites();
    const repos = await openRepositories({ url, poolSize: 2, busyTimeoutMs: 2000 });
    try {
      await work(repos);
    } finally {
      await repos.close();
    }
    return (await walWrites()) - before;
  };

  it('claims a new key without a WAL flush of its own; completes it with one', async () => {
    const now = new Date();
    const claim = (i: number) => ({
      scope: 'flush-test',
      key: `k-${i}`,
      operationId: 'createToken',
      requestHash: 'h',
      lockedUntil: new Date(now.getTime() + 60_000),
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    const claims = await writesDuring(async (repos) => {
      for (let i = 0; i < N; i++) expect(await repos.idempotency.claim(claim(i), now)).toEqual({ kind: 'claimed' });
    });
    const completions = await writesDuring(async (repos) => {
      for (let i = 0; i < N; i++) await repos.idempotency.complete('flush-test', `k-${i}`, { status: 201, headers: {}, body: '{}' });
    });
    // Every completion flushed its commit; the claims left theirs to the WAL writer (a few of its runs at most).
    expect(completions).toBeGreaterThanOrEqual(N);
    expect(claims).toBeLessThan(N / 4);
    // The claim is there and answers as one: a second claim of the same key is judged, not inserted.
    await writesDuring(async (repos) => {
      expect((await repos.idempotency.claim(claim(0), now)).kind).toBe('replay');
    });
  }, 60_000);
});
