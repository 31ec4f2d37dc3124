/** The agents list sorted server-side: keyset pages under each sort, nulls last, cursors bound to their sort. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Client = Server['client'];
type Sort = 'hostname' | '-hostname' | 'name' | '-name' | 'os' | '-os' | 'status' | '-status' | 'lastSeenAt' | '-lastSeenAt';
type Listed = { id: string; hostname: string; name: string; os: string | null; status: string; lastSeenAt: string | null };

const SORTS: Sort[] = ['hostname', '-hostname', 'name', '-name', 'os', '-os', 'status', '-status', 'lastSeenAt', '-lastSeenAt'];

/** Every page of the list under `sort`, `limit` rows at a time. */
async function allPages(client: Client, sort: Sort, limit: number): Promise<Listed[]> {
  const rows: Listed[] = [];
  let cursor: string | undefined;
  do {
    const { data, response } = await client.GET('/api/v1/agents', { params: { query: { sort, limit, cursor } } });
    expect(response.status).toBe(200);
    rows.push(...data!.items);
    cursor = data!.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

/** The order the contract promises: nulls last, the column (descending on '-'), then the id ascending. */
function expected(rows: Listed[], sort: Sort): string[] {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as keyof Omit<Listed, 'id'>; // SORTS are exactly these keys
  const value = (row: Listed) => (key === 'lastSeenAt' && row.lastSeenAt ? String(Date.parse(row.lastSeenAt)).padStart(15, '0') : row[key]);
  return [...rows]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || vb === null) return va === vb ? (a.id < b.id ? -1 : 1) : va === null ? 1 : -1;
      if (va !== vb) return (va < vb ? -1 : 1) * (descending ? -1 : 1);
      return a.id < b.id ? -1 : 1;
    })
    .map((row) => row.id);
}

describe.each(dialects())('agents list sorting on %s', (dialect) => {
  let s: Server;
  let client: Client;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    const { secret: token } = await tenantWithToken(s.repos);
    client = s.clientFor(token);
    const secret = await enrollmentSecret(client);
    // Lower-case hostnames and names, so that every collation orders them alike; duplicates test the id tie-break.
    const hosts = ['delta', 'alpha', 'charlie', 'alpha', 'echo', 'bravo', 'delta', 'foxtrot'];
    const made = [];
    for (const [i, hostname] of hosts.entries()) made.push(await enrollAgent(client, secret, { hostname, os: i % 3 === 0 ? 'windows' : 'linux' }));
    for (const agent of made.slice(0, 5)) {
      const r = await s.fetch(`/api/v1/agent/${agent.agentId}/heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey },
        body: JSON.stringify(heartbeatBody),
      });
      expect(r.status).toBe(204);
      await new Promise((done) => setTimeout(done, 3));
    }
    await client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: made[2]!.agentId } }, body: { name: 'aardvark' } });
    await client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: made[4]!.agentId } } });
  });
  afterAll(() => s.close());

  it.each(SORTS)('pages under sort=%s concatenate to the whole list in order, without duplicates', async (sort) => {
    const whole = await allPages(client, sort, 1000);
    expect(whole).toHaveLength(8);
    expect(whole.map((a) => a.id)).toEqual(expected(whole, sort));
    for (const limit of [1, 3]) expect((await allPages(client, sort, limit)).map((a) => a.id)).toEqual(whole.map((a) => a.id));
  });

  it('puts agents never seen last in both directions', async () => {
    for (const sort of ['lastSeenAt', '-lastSeenAt'] as const) {
      const seen = (await allPages(client, sort, 2)).map((a) => a.lastSeenAt !== null);
      expect(seen).toEqual([true, true, true, true, true, false, false, false]);
    }
  });

  it('refuses a cursor issued under another sort, or under none, with a 400 problem', async () => {
    const { data: byHost } = await client.GET('/api/v1/agents', { params: { query: { sort: 'hostname', limit: 2 } } });
    const { data: byId } = await client.GET('/api/v1/agents', { params: { query: { limit: 2 } } });
    for (const [sort, cursor] of [
      ['-hostname', byHost!.nextCursor!],
      ['name', byId!.nextCursor!],
    ] as const) {
      const r = await s.fetch(`/api/v1/agents?sort=${sort}&cursor=${cursor}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(((await r.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['query/cursor']);
    }
    const unsorted = await s.fetch(`/api/v1/agents?cursor=${byHost!.nextCursor!}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(unsorted.status).toBe(400);
    const bad = await s.fetch('/api/v1/agents?sort=arch', { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(bad.status).toBe(400);
  });

  it('lists only the caller tenant under a sort', async () => {
    const mine = new Set((await allPages(client, 'hostname', 3)).map((a) => a.id));
    const others = (await allPages(s.client, 'hostname', 50)).map((a) => a.id);
    expect(others.some((id) => mine.has(id))).toBe(false);
  });
});
