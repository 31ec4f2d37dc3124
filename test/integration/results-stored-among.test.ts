/**
 * Which of an agent's results are stored already (the request path's dedup lookup when JetStream answers
 * before the write): exact for re-sent, fresh and out-of-order results, and results newer than their
 * endpoint's state are not looked up by id. SQLite and Postgres.
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResultRow } from '../../src/domain/check-result.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

/** Moves the agent's endpoint state back to `at`, behind the database's back. */
async function setStateTime(databaseUrl: string, agentId: string, endpointId: string, at: Date): Promise<void> {
  if (databaseUrl.startsWith('sqlite:')) {
    const client = new Database(databaseUrl.slice('sqlite:'.length));
    try {
      client.prepare('update endpoint_states set checked_at = ? where agent_id = ? and endpoint_id = ?').run(at.getTime(), agentId, endpointId);
    } finally {
      client.close();
    }
    return;
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`update endpoint_states set checked_at = ${at} where agent_id = ${agentId} and endpoint_id = ${endpointId}`;
  } finally {
    await sql.end();
  }
}

describe.each(dialects())('stored results among an agent batch on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
  });
  afterAll(() => s.close());

  const t0 = Date.now() - 600_000;
  const result = (agentId: string, endpointId: string, ms: number): CheckResultRow => ({
    id: newId(),
    tenantId,
    agentId,
    endpointId,
    checkType: 'ping',
    ts: new Date(t0 + ms),
    reachable: true,
    latencyMs: 3,
    result: {},
    receivedAt: new Date(),
  });
  const write = (rows: CheckResultRow[]) => s.repos.ingest.writeBatch([{ tenantId, agentId: rows[0]!.agentId, receivedAt: new Date(), samples: [], inventory: null, results: rows }], () => null);

  it('finds re-sent results and none of the fresh or out-of-order ones', async () => {
    const agentId = newId();
    const [e1, e2] = [newId(), newId()];
    const stored = [result(agentId, e1, 1_000), result(agentId, e1, 2_000), result(agentId, e2, 1_500)];
    await write(stored);
    const fresh = [result(agentId, e1, 3_000), result(agentId, e2, 3_000), result(agentId, newId(), 10)];
    // Older than its endpoint's newest stored result, but never stored: looked up, not found.
    const late = result(agentId, e1, 500);
    expect(await s.repos.results.storedAmong(tenantId, agentId, [...stored, ...fresh, late])).toEqual(new Set(stored.map((r) => r.id)));
    expect(await s.repos.results.storedAmong(tenantId, agentId, fresh)).toEqual(new Set());
    // Another agent's state says nothing about this agent's results, nor another tenant's ids.
    expect(await s.repos.results.storedAmong(tenantId, newId(), stored)).toEqual(new Set());
    expect(await s.repos.results.storedAmong(newId(), agentId, stored)).toEqual(new Set());
  });

  it('looks up by id only the results not newer than their endpoint state', async () => {
    const agentId = newId();
    const endpointId = newId();
    const stored = [result(agentId, endpointId, 1_000), result(agentId, endpointId, 2_000), result(agentId, endpointId, 3_000)];
    await write(stored);
    // With the state moved back to 2 s, the result at 3 s counts as new although its id is stored: it was not looked up.
    await setStateTime(s.databaseUrl, agentId, endpointId, new Date(t0 + 2_000));
    expect(await s.repos.results.storedAmong(tenantId, agentId, stored)).toEqual(new Set([stored[0]!.id, stored[1]!.id]));
    expect(await s.repos.results.existingIds(tenantId, [stored[2]!.id])).toEqual(new Set([stored[2]!.id]));
  });
});
