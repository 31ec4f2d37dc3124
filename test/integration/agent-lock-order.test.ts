/**
 * Writers that lock several agent rows take them in id order (Postgres): a heartbeat batch that brings
 * agents back online locks all its rows, lowest id first, before anything else, as the ingestion writer
 * locks the agents of its inventories. Two writers with the same agents in opposite orders then wait for
 * each other instead of deadlocking. Shown with a lock held from outside on the lower id: the batch waits
 * for it without holding the higher one.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { startTestServer } from '../helpers/server.ts';

describe.runIf(inject('pgUrl') !== null)('agent row lock order (Postgres)', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sql: postgres.Sql;
  beforeAll(async () => {
    s = await startTestServer({ dialect: 'postgres' });
    sql = postgres(s.databaseUrl, { max: 4, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await s?.close();
  });

  it('a heartbeat batch bringing agents online waits on the lowest id before locking the others', async () => {
    const secret = await enrollmentSecret(s.client);
    const enrolled = [await enrollAgent(s.client, secret), await enrollAgent(s.client, secret)];
    const [low, high] = enrolled.map((a) => a.agentId).sort();
    await sql`update agents set online = false where id = any(${[low!, high!]}::uuid[])`;

    // Another transaction holds the lower row; the batch names the higher agent first.
    const holder = await sql.reserve();
    await holder`begin`;
    await holder`select id from agents where id = ${low!} for update`;
    const at = new Date();
    const beats = [high!, low!].map((id) => ({ id, at, heartbeat: { uptime: 1 }, comingOnline: () => ({}) }));
    const written = s.repos.agents.recordHeartbeats(beats);
    try {
      // Wait until the batch is blocked on the lower row.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const [waiting] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%from "agents"%for update%'`;
        if (waiting!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the heartbeat batch never waited on the held row');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Meanwhile the higher row is free: the batch has not locked it ahead of the lower one.
      const probe = await sql.reserve();
      try {
        await probe`begin`;
        const rows = await probe`select id from agents where id = ${high!} for update nowait`;
        expect(rows).toHaveLength(1);
        await probe`rollback`;
      } finally {
        probe.release();
      }
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect(await written).toEqual(['online', 'online']);
    const online = await sql<{ id: string; online: boolean }[]>`select id, online from agents where id = any(${[low!, high!]}::uuid[]) order by id`;
    expect(online.map((r) => r.online)).toEqual([true, true]);
  });
});
