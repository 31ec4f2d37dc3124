/**
 * Rows read by a select built once (Postgres, inside a transaction) are the records Drizzle's own select
 * maps: dates, JSON, arrays, booleans and nulls decoded the same way.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgres, type PgPool } from '../../src/repositories/postgres/db.ts';
import { RowsTemplate } from '../../src/repositories/postgres/rows-template.ts';
import { agents } from '../../src/repositories/postgres/schema.ts';
import { textArray } from '../../src/repositories/postgres/arrays.ts';
import { newAgentRecord } from '../../src/services/agents/records.ts';
import { newId } from '../../src/services/ids.ts';
import { startTestServer } from '../helpers/server.ts';

describe.runIf(inject('pgUrl') !== null)('rows read by a select built once (Postgres)', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let pool: PgPool;
  beforeAll(async () => {
    s = await startTestServer({ dialect: 'postgres' });
    pool = openPostgres(s.databaseUrl, 2);
  });
  afterAll(async () => {
    await pool?.db.$client.end();
    await s?.close();
  });

  it('maps every column as Drizzle does, and reads nothing else', async () => {
    const tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    const at = new Date('2026-12-03T10:11:12.345Z');
    const full = newAgentRecord(
      {
        id: newId(),
        tenantId,
        sectionId: null,
        name: 'web-1',
        hostname: 'web-1',
        os: 'linux',
        arch: 'x86_64',
        agentVersion: '1.2.3',
        capabilities: ['run_command'],
        hardwareId: 'hw-1',
        tags: ['prod', 'eu'],
        enrolledVia: 'secret',
        keyHash: 'a'.repeat(64),
        keyPrefix: 'agk_abc',
      },
      at,
    );
    Object.assign(full, { online: true, lastSeenAt: at, onlineChangedAt: at, latestHeartbeat: { uptime: 5, nested: { ok: true } }, previousKeyExpiresAt: new Date(at.getTime() + 1) });
    const bare = newAgentRecord({ id: newId(), tenantId, sectionId: null, name: 'bare', hostname: 'bare', enrolledVia: 'secret' } as never, at);
    for (const a of [full, bare]) await s.repos.agents.insert(a, {});

    const template = new RowsTemplate(
      agents,
      pool.db
        .select()
        .from(agents)
        .where(sql`${agents.id} = any(${sql.placeholder('ids')}::uuid[])`)
        .orderBy(asc(agents.id)),
    );
    const ids = [full.id, bare.id, newId()];
    const read = await pool.db.transaction((tx) => template.rows(tx, { ids: textArray(ids) }));
    const drizzle = [...(await pool.db.select().from(agents).where(eq(agents.id, full.id))), ...(await pool.db.select().from(agents).where(eq(agents.id, bare.id)))].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(read).toEqual(drizzle);
    expect(read.find((r) => r.id === full.id)).toMatchObject({ tags: ['prod', 'eu'], latestHeartbeat: { uptime: 5, nested: { ok: true } }, lastSeenAt: at, online: true });
    expect(read.find((r) => r.id === bare.id)).toMatchObject({ lastSeenAt: null, latestHeartbeat: null, online: false });
  });
});
