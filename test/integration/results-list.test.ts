/**
 * An endpoint's results one by one over real HTTP: newest first with each check's `result` as the agent
 * sent it, linked agent-local endpoints included, cursor pages that neither skip nor repeat (equal check
 * times ordered by id) and stay put while newer results arrive, the agent / reachable / time filters, and
 * the refusals (bad cursor, reversed range, unknown or other tenant's endpoint, agent keys); SQLite and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { resultItem, variants } from '../factories/results.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Agent = { agentId: string; apiKey: string };
type Item = ReturnType<typeof resultItem>;

describe.each(dialects())('results list on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let a: Agent;
  let b: Agent;
  let endpointId: string;
  /** Agent B's own id for the target, linked to the managed endpoint. */
  const localId = newId();
  const t0 = Date.now() - 3_600_000;
  const at = (second: number) => new Date(t0 + second * 1000);
  /** Every item sent, newest first as the list must give them: by time, then by id. */
  let expected: Item[] = [];

  const submit = async (agent: Agent, results: Item[]) => {
    const res = await s.fetch(`/api/v1/agent/${agent.agentId}/results`, {
      method: 'POST',
      headers: { 'x-agent-api-key': agent.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ results }),
    });
    expect(res.status).toBe(202);
  };
  const newestFirst = (items: Item[]) => [...items].sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp) || (x.id < y.id ? 1 : -1));
  const list = async (query: Record<string, string | number | boolean> = {}) => {
    const res = await s.client.GET('/api/v1/results', { params: { query: { endpointId, ...query } } });
    expect(res.response.status, JSON.stringify(res.error)).toBe(200);
    return res.data!;
  };
  /** Every page of `query` at `limit` per page, in order. */
  const walk = async (query: Record<string, string | number | boolean>, limit: number) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 1000);
    return ids;
  };

  beforeAll(async () => {
    s = await startTestServer({ dialect });
    const secret = await enrollmentSecret(s.client);
    a = await enrollAgent(s.client, secret);
    b = await enrollAgent(s.client, secret);
    endpointId = (await s.client.POST('/api/v1/endpoints', { body: { name: 'list target', address: 'example.com', checkType: 'ping' } })).data!.id;
    // Agent A: ten pings a second apart, every third one down, and three at one instant (ties broken by id).
    const fromA = [
      ...Array.from({ length: 10 }, (_, i) => resultItem(a.agentId, endpointId, i % 3 === 2 ? variants.pingDown() : variants.ping([i + 1]), at(i))),
      ...Array.from({ length: 3 }, () => resultItem(a.agentId, endpointId, variants.ping([42]), at(20))),
    ];
    // Agent B reports the same target under its own id (an agent-local endpoint), linked below; one result at A's tie instant.
    const fromB = [
      resultItem(b.agentId, localId, variants.traceroute(true, 12.5), at(5.5)),
      resultItem(b.agentId, localId, variants.traceroute(false, null), at(15)),
      resultItem(b.agentId, localId, variants.traceroute(true, 3), at(20)),
    ];
    await submit(a, fromA);
    await submit(b, fromB);
    const link = await s.client.POST('/api/v1/endpoints/{endpointId}/link', { params: { path: { endpointId: localId } }, body: { targetId: endpointId } });
    expect(link.response.status).toBe(200);
    expected = newestFirst([...fromA, ...fromB]);
  });
  afterAll(() => s.close());

  it('lists newest first, each result as the agent sent it, linked agent-local endpoints included', async () => {
    const page = await list();
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const byId = new Map(expected.map((r) => [r.id, r]));
    for (const r of page.items) {
      const sent = byId.get(r.id)!;
      expect(r).toMatchObject({ agentId: sent.agent_id, endpointId, reportedEndpointId: sent.endpoint_id, checkType: sent.check_type.type, checkedAt: sent.timestamp });
      expect(r.result).toEqual(sent.check_type.result);
      expect(Date.parse(r.receivedAt)).toBeGreaterThan(t0);
    }
    const trace = page.items.find((r) => r.checkType === 'traceroute' && r.reachable)!;
    expect(trace).toMatchObject({ agentId: b.agentId, reportedEndpointId: localId });
    const down = page.items.find((r) => r.agentId === a.agentId && !r.reachable)!;
    expect(down).toMatchObject({ latencyMs: null, result: { error_details: { errors: ['Failed to resolve address: nxdomain'] } } });
    expect(page.items.find((r) => r.checkedAt === at(1).toISOString())).toMatchObject({ reachable: true, latencyMs: 2 });
  });

  it('walks every page at any page size without skipping or repeating, ties at one instant included', async () => {
    for (const limit of [1, 2, 3, 5, 16]) expect(await walk({}, limit), `limit ${limit}`).toEqual(expected.map((r) => r.id));
  });

  it('merges many agents’ series (more series than a page) with many ties, at any page size', async () => {
    const tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    const crowded = (await s.client.POST('/api/v1/endpoints', { body: { name: 'crowded target', address: 'example.net', checkType: 'ping' } })).data!.id;
    const receivedAt = new Date();
    // 40 agents, 6 results each on 12 instants: every instant is shared by ~20 results, and the series interleave.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const written = Array.from({ length: 40 }, () => {
      const agentId = newId();
      const results = Array.from({ length: 6 }, () => {
        const ok = next() % 4 !== 0;
        return { id: newId(), tenantId, agentId, endpointId: crowded, checkType: 'ping' as const, ts: at(next() % 12), reachable: ok, latencyMs: ok ? 1 : null, result: { successes: ok ? 1 : 0 }, receivedAt };
      });
      return { tenantId, agentId, receivedAt, samples: [], inventory: null, results };
    });
    await s.repos.ingest.writeBatch(written, () => null);
    const rows = written.flatMap((w) => w.results);
    const order = (keep: (r: (typeof rows)[number]) => boolean) =>
      rows
        .filter(keep)
        .sort((x, y) => y.ts.getTime() - x.ts.getTime() || (x.id < y.id ? 1 : -1))
        .map((r) => r.id);
    for (const limit of [1, 7, 50, 1000]) {
      expect(await walk({ endpointId: crowded }, limit), `limit ${limit}`).toEqual(order(() => true));
      expect(await walk({ endpointId: crowded, reachable: false }, limit), `unreachable, limit ${limit}`).toEqual(order((r) => !r.reachable));
    }
    const from = at(3).toISOString();
    const to = at(9).toISOString();
    expect(await walk({ endpointId: crowded, from, to }, 5)).toEqual(order((r) => r.ts >= at(3) && r.ts < at(9)));
  });

  it('a cursor stays put while newer results arrive', async () => {
    const first = await list({ limit: 4 });
    const newer = resultItem(a.agentId, endpointId, variants.ping([7]), new Date(Date.now() - 1000));
    await submit(a, [newer]);
    expected = newestFirst([...expected, newer]);
    const rest = await walk({ cursor: first.nextCursor! }, 4);
    // The first page was cut before the newer result existed: the rest continues from where it stopped.
    expect([...first.items.map((r) => r.id), ...rest]).toEqual(expected.filter((r) => r.id !== newer.id).map((r) => r.id));
    expect((await list({ limit: 1 })).items[0]!.id).toBe(newer.id);
  });

  it('filters by agent, by reachable and by time range, across pages', async () => {
    const ids = (items: Item[]) => items.map((r) => r.id);
    expect(await walk({ agentId: b.agentId }, 2)).toEqual(ids(expected.filter((r) => r.agent_id === b.agentId)));
    const down = expected.filter((r) => r.check_type.result.successes === 0 || r.check_type.result.target_reached === false);
    expect(down.length).toBe(4);
    expect(await walk({ reachable: false }, 3)).toEqual(ids(down));
    expect((await walk({ reachable: true }, 50)).length).toBe(expected.length - down.length);
    const from = at(5).toISOString();
    const to = at(20).toISOString();
    expect(await walk({ from, to }, 2)).toEqual(ids(expected.filter((r) => r.timestamp >= from && r.timestamp < to)));
    expect(await walk({ from, to, agentId: a.agentId, reachable: true }, 2)).toEqual(
      ids(expected.filter((r) => r.timestamp >= from && r.timestamp < to && r.agent_id === a.agentId && r.check_type.result.successes !== 0)),
    );
    expect((await list({ agentId: newId() })).items).toEqual([]);
  });

  it('refuses a cursor it did not issue, a reversed range, an unknown endpoint and an agent key', async () => {
    const bad = async (query: Record<string, string>, status: number) => {
      const res = await s.fetch(`/api/v1/results?${new URLSearchParams({ endpointId, ...query })}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(res.status, JSON.stringify(query)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    };
    await bad({ cursor: 'bm90LWEtY3Vyc29y' }, 400);
    // A cursor of another list (agents sorted by name) is not a results cursor.
    const agents = await s.client.GET('/api/v1/agents', { params: { query: { sort: 'hostname', limit: 1 } } });
    await bad({ cursor: agents.data!.nextCursor! }, 400);
    await bad({ from: at(10).toISOString(), to: at(5).toISOString() }, 400);
    await bad({ limit: '0' }, 400);
    await bad({ endpointId: newId() }, 404);
    await bad({ endpointId: 'not-a-uuid' }, 400);
    const asAgent = await s.fetch(`/api/v1/results?endpointId=${endpointId}`, { headers: { 'x-agent-api-key': a.apiKey } });
    expect(asAgent.status).toBe(401);
  });

  it('viewers may read; another tenant sees neither the endpoint nor its results', async () => {
    const viewer = await tenantWithToken(s.repos, 'viewer');
    const theirs = s.clientFor(viewer.secret);
    expect((await theirs.GET('/api/v1/results', { params: { query: { endpointId } } })).response.status).toBe(404);
    expect((await theirs.GET('/api/v1/results', { params: { query: { endpointId: localId } } })).response.status).toBe(404);
    const ours = (await s.client.POST('/api/v1/tokens', { body: { name: 'reader', role: 'viewer' } })).data!.secret;
    const page = await s.clientFor(ours).GET('/api/v1/results', { params: { query: { endpointId, limit: 2 } } });
    expect(page.response.status).toBe(200);
    expect(page.data!.items.length).toBe(2);
  });
});
