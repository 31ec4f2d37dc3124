/**
 * Smotra result batches end to end over real HTTP: every check_type stored, duplicates counted, unknown
 * endpoints kept as agent-local, bad items skipped with counts, reachability events, endpoint status,
 * isolation between agents and tenants; SQLite and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { resultItem, variants } from '../factories/results.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

interface Ack {
  submission_id: string;
  accepted: number;
  duplicates_skipped: number;
  received_at: string;
  skipped: { malformed: number; agent_mismatch: number; too_old: number; in_future: number };
}

describe.each(dialects())('results on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let tenantId: string;
  let agent: { agentId: string; apiKey: string };
  let secret: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    secret = await enrollmentSecret(s.client);
    agent = await enrollAgent(s.client, secret);
  });
  afterAll(() => s.close());

  const post = (a: { agentId: string; apiKey: string }, body: unknown, path = a.agentId) =>
    s.fetch(`/api/v1/agent/${path}/results`, { method: 'POST', headers: { 'x-agent-api-key': a.apiKey, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const submit = async (a: { agentId: string; apiKey: string }, results: unknown[]): Promise<Ack> => {
    const res = await post(a, { results });
    expect(res.status).toBe(202);
    return (await res.json()) as Ack;
  };
  const managed = async (body: Record<string, unknown> = {}) => (await s.client.POST('/api/v1/endpoints', { body: { name: `target ${newId()}`, address: 'example.com', checkType: 'ping', ...body } })).data!;
  const status = (endpointId: string) => s.client.GET('/api/v1/endpoints/{endpointId}/status', { params: { path: { endpointId } } });
  const ago = (ms: number) => new Date(Date.now() - ms);

  it('stores every check_type, keeps unknown endpoints as agent-local ones and answers the Smotra acknowledgment', async () => {
    const known = await managed();
    const unknown = Array.from({ length: 5 }, () => newId());
    const t = ago(60_000);
    const items = [
      resultItem(agent.agentId, known.id, variants.ping([10, 20, 30]), t),
      resultItem(agent.agentId, unknown[0]!, variants.traceroute(true, 42.5), t),
      resultItem(agent.agentId, unknown[1]!, variants.tcpconnect(false, null), t),
      resultItem(agent.agentId, unknown[2]!, variants.udpconnect(true, 3), t),
      resultItem(agent.agentId, unknown[3]!, variants.httpget(true, 120), t),
      resultItem(agent.agentId, unknown[4]!, variants.plugin(true, 7.25), t),
    ];
    const ack = await submit(agent, items);
    expect(ack).toEqual({ submission_id: expect.any(String), accepted: 6, duplicates_skipped: 0, received_at: expect.any(String), skipped: { malformed: 0, agent_mismatch: 0, too_old: 0, in_future: 0 } });
    expect(
      (
        await s.repos.results.existingIds(
          tenantId,
          items.map((i) => i.id),
        )
      ).size,
    ).toBe(6);

    const expected: [string, boolean, number | null, string][] = [
      [known.id, true, 20, 'ping'],
      [unknown[0]!, true, 42.5, 'traceroute'],
      [unknown[1]!, false, null, 'tcpconnect'],
      [unknown[2]!, true, 3, 'udpconnect'],
      [unknown[3]!, true, 120, 'httpget'],
      [unknown[4]!, true, 7.25, 'plugin'],
    ];
    for (const [endpointId, reachable, latencyMs, type] of expected) {
      const st = await status(endpointId);
      expect(st.response.status).toBe(200);
      expect(st.data!.agents).toEqual([
        { agentId: agent.agentId, reportedEndpointId: endpointId, reachable, latencyMs, lastCheckType: type, lastResultId: expect.any(String), lastCheckedAt: t.toISOString(), changedAt: t.toISOString() },
      ]);
    }
    const local = (await s.client.GET('/api/v1/endpoints', { params: { query: { origin: 'agent_local', limit: 1000 } } })).data!.items;
    const byId = new Map(local.map((e) => [e.id, e]));
    expect(unknown.every((id) => byId.has(id))).toBe(true);
    expect(byId.get(unknown[0]!)).toMatchObject({ origin: 'agent_local', checkType: 'traceroute', reportedBy: agent.agentId, linkedEndpointId: null, version: 1 });
    expect(byId.get(unknown[4]!)!.checkType).toBeNull();
    expect(byId.has(known.id)).toBe(false);
  });

  it('deduplicates by result id: a re-sent batch is counted as duplicates and stored once', async () => {
    const e = await managed();
    const items = [0, 1, 2].map((i) => resultItem(agent.agentId, e.id, variants.ping([5]), ago(120_000 - i * 1000)));
    expect((await submit(agent, items)).accepted).toBe(3);
    const again = await submit(agent, items);
    expect(again).toMatchObject({ accepted: 0, duplicates_skipped: 3 });
    const mixed = await submit(agent, [...items.slice(0, 1), resultItem(agent.agentId, e.id, variants.ping([6]), ago(1000)), items[1]!, items[1]!]);
    expect(mixed).toMatchObject({ accepted: 1, duplicates_skipped: 3 });
    // Minute-aligned (read from the rollups) and not (read from the result rows): each result counted once.
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const ranges: [number, number][] = [
      [day - 86_400_000, day + 86_400_000],
      [Date.now() - 86_400_000, Date.now() + 1],
    ];
    for (const [from, to] of ranges) {
      const report = (await s.client.GET('/api/v1/results/report', { params: { query: { endpointId: e.id, aggregation: '1d', from: new Date(from).toISOString(), to: new Date(to).toISOString() } } })).data;
      if (typeof report !== 'object') throw new Error('expected a JSON report');
      expect(report.buckets.reduce((n, b) => n + b.checks, 0)).toBe(4);
    }
  });

  it('counts a batch re-sent while the first attempt is still being written as duplicates: accepted once in all', async () => {
    const e = await managed();
    const items = [0, 1, 2, 3].map((i) => resultItem(agent.agentId, e.id, variants.ping([7]), ago(60_000 - i * 1000)));
    const acks = await Promise.all([submit(agent, items), submit(agent, items), submit(agent, items)]);
    expect(acks.reduce((n, a) => n + a.accepted, 0)).toBe(4);
    expect(acks.reduce((n, a) => n + a.duplicates_skipped, 0)).toBe(8);
  });

  it('skips malformed items, results of another agent and out-of-window timestamps, counting each; stores the rest', async () => {
    const e = await managed();
    const other = await enrollAgent(s.client, secret);
    const good = resultItem(agent.agentId, e.id, variants.ping([1]), ago(1000));
    const ack = await submit(agent, [
      good,
      { ...good, id: newId(), check_type: { type: 'ping', result: { successes: 'one' } } },
      { ...good, id: newId(), check_type: { type: 'icmp', result: {} } },
      { ...good, id: 'not-a-uuid' },
      { ...good, id: newId(), timestamp: '2026-07-21T10:00:00' },
      { ...good, id: newId(), endpoint_id: null },
      42,
      resultItem(other.agentId, e.id, variants.ping([1]), ago(1000)),
      resultItem(agent.agentId, e.id, variants.ping([1]), ago(8 * 86_400_000)),
      resultItem(agent.agentId, e.id, variants.ping([1]), new Date(Date.now() + 3_600_000)),
    ]);
    expect(ack).toMatchObject({ accepted: 1, duplicates_skipped: 0, skipped: { malformed: 6, agent_mismatch: 1, too_old: 1, in_future: 1 } });
    const logged = s.logs.lines().find((l) => l.msg === 'results skipped' && (l.submissionId as string) === ack.submission_id);
    expect(logged).toMatchObject({ skipped: ack.skipped, first: expect.arrayContaining([expect.objectContaining({ index: 1 }), expect.objectContaining({ index: 9 })]) });
    expect((await status(e.id)).data!.agents.map((a) => a.agentId)).toEqual([agent.agentId]);
  });

  it('accepts an empty batch; a body that is not a batch is a 400', async () => {
    expect(await submit(agent, [])).toMatchObject({ accepted: 0, duplicates_skipped: 0 });
    for (const body of ['[]', '{"result":[]}', '{"results":"x"}', '{"results":[1,2]', 'null']) {
      const res = await post(agent, body);
      expect(res.status, body).toBe(400);
    }
  });

  it('timestamps with 9 fractional digits or an offset are accepted', async () => {
    const e = await managed();
    const now = new Date(Date.now() - 5000).toISOString().replace(/\.(\d{3})Z$/, '.$1456789Z');
    const offset = new Date(Date.now() - 4000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const ack = await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([1]), now), resultItem(agent.agentId, e.id, variants.ping([2]), offset)]);
    expect(ack.accepted).toBe(2);
  });

  it('publishes endpoint_unreachable and endpoint_reachable when reachability changes', async () => {
    const e = await managed();
    const tracked = async () => (await s.repos.events.list(tenantId, 0, 100_000)).events.filter((x) => x.resourceId === e.id && x.type.startsWith('endpoint_'));
    await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([3]), ago(50_000))]);
    await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([4]), ago(40_000))]);
    expect((await tracked()).map((x) => x.type)).toEqual(['endpoint_created']);
    await submit(agent, [resultItem(agent.agentId, e.id, variants.pingDown(), ago(30_000))]);
    await submit(agent, [resultItem(agent.agentId, e.id, variants.pingDown(), ago(25_000))]);
    // An older result arriving late changes nothing.
    await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([1]), ago(45_000))]);
    await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([9]), ago(20_000))]);
    const events = await tracked();
    expect(events.map((x) => x.type)).toEqual(['endpoint_created', 'endpoint_unreachable', 'endpoint_reachable']);
    expect(events[1]!.data).toMatchObject({ agentId: agent.agentId, reachable: false, reportedEndpointId: e.id });
    const st = (await status(e.id)).data!.agents[0]!;
    expect(st).toMatchObject({ reachable: true, latencyMs: 9 });
    expect(Date.parse(st.changedAt)).toBe(Date.parse(st.lastCheckedAt));
  });

  it('links an agent-local endpoint to a managed one: its results count in the managed endpoint’s status', async () => {
    const target = await managed();
    const localId = newId();
    await submit(agent, [resultItem(agent.agentId, localId, variants.ping([8]), ago(10_000))]);
    const link = await s.client.POST('/api/v1/endpoints/{endpointId}/link', { params: { path: { endpointId: localId } }, body: { targetId: target.id } });
    expect(link.response.status).toBe(200);
    expect(link.data).toMatchObject({ id: localId, origin: 'agent_local', linkedEndpointId: target.id, version: 2 });
    expect((await status(target.id)).data!.agents).toEqual([expect.objectContaining({ agentId: agent.agentId, reportedEndpointId: localId, latencyMs: 8 })]);
    const wrong = await s.client.POST('/api/v1/endpoints/{endpointId}/link', { params: { path: { endpointId: target.id } }, body: { targetId: target.id } });
    expect(wrong.response.status).toBe(400);
    const stale = await s.client.POST('/api/v1/endpoints/{endpointId}/link', { params: { path: { endpointId: localId } }, body: { targetId: target.id, version: 1 } });
    expect(stale.response.status).toBe(409);
  });

  describe('security', () => {
    it('an agent key only submits for its own agent; no key is a 401', async () => {
      const other = await enrollAgent(s.client, secret);
      const e = await managed();
      const res = await post(agent, { results: [resultItem(other.agentId, e.id, variants.ping([1]), ago(1000))] }, other.agentId);
      expect(res.status).toBe(403);
      const none = await s.fetch(`/api/v1/agent/${agent.agentId}/results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"results":[]}' });
      expect(none.status).toBe(401);
      expect((await status(e.id)).data!.agents).toEqual([]);
    });

    it('another tenant sees neither the endpoints, their status, their reports nor the agent-local endpoints', async () => {
      const e = await managed();
      const localId = newId();
      await submit(agent, [resultItem(agent.agentId, e.id, variants.ping([1]), ago(1000)), resultItem(agent.agentId, localId, variants.ping([1]), ago(1000))]);
      const b = await tenantWithToken(s.repos, 'admin');
      const other = s.clientFor(b.secret);
      expect((await other.GET('/api/v1/endpoints/{endpointId}/status', { params: { path: { endpointId: e.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/results/report', { params: { query: { endpointId: e.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: localId } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/endpoints', { params: { query: { origin: 'agent_local' } } })).data!.items).toEqual([]);
      expect((await other.POST('/api/v1/endpoints/{endpointId}/link', { params: { path: { endpointId: localId } }, body: { targetId: e.id } })).response.status).toBe(404);
      // An agent of the other tenant reporting the same endpoint id gets its own agent-local endpoint.
      const otherSecret = await enrollmentSecret(other);
      const otherAgent = await enrollAgent(other, otherSecret);
      expect((await submit(otherAgent, [resultItem(otherAgent.agentId, e.id, variants.pingDown(), ago(1000))])).accepted).toBe(1);
      expect((await status(e.id)).data!.agents.map((a) => a.agentId)).toEqual([agent.agentId]);
      const theirs = (await other.GET('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id } } })).data!;
      expect(theirs).toMatchObject({ id: e.id, origin: 'agent_local', tenantId: b.tenant.id });
      expect((await other.GET('/api/v1/endpoints/{endpointId}/status', { params: { path: { endpointId: e.id } } })).data!.agents.map((a) => a.agentId)).toEqual([otherAgent.agentId]);
    });
  });
});
