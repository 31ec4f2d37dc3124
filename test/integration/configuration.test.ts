/**
 * Effective configuration over real HTTP on SQLite and Postgres: merge order, priority and provenance; the
 * agent's read with ETag/304 answered from memory (no repository call); invalidation by policy, agent and
 * section changes; the Smotra AgentConfig shape; previews that save nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { countRepositoryCalls } from '../helpers/query-counter.ts';
import { dialects, startTestServer } from '../helpers/server.ts';
import { expectSmotraAgentConfig } from '../helpers/smotra-config.ts';

type PolicyInput = { name: string; scope: 'tenant' | 'section' | 'tag' | 'agent'; target?: string | null; priority?: number; enabled?: boolean; body: Record<string, unknown> };

describe.each(dialects())('effective configuration on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sectionId: string;
  let agent: { agentId: string; apiKey: string };
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    sectionId = (await s.client.POST('/api/v1/sections', { body: { name: 'berlin' } })).data!.id;
    agent = await enrollAgent(s.client, await enrollmentSecret(s.client, sectionId), { tags: ['web', 'edge'] });
  });
  afterAll(() => s.close());

  const createPolicy = async (p: PolicyInput) => {
    // Bodies built by the test as plain records; the server validates them against the contract.
    const res = await s.client.POST('/api/v1/policies', { body: p as never });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    return res.data!;
  };
  const deleteAll = async () => {
    for (const p of (await s.client.GET('/api/v1/policies', { params: { query: { limit: 1000 } } })).data!.items) {
      await s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } });
    }
  };
  const effective = async (agentId = agent.agentId) => (await s.client.GET('/api/v1/agents/{agentId}/effective-configuration', { params: { path: { agentId } } })).data!;
  const agentGet = (etag?: string, key = agent.apiKey, agentId = agent.agentId) =>
    s.fetch(`/api/v1/agent/${agentId}/configuration`, { headers: { 'x-agent-api-key': key, ...(etag ? { 'if-none-match': etag } : {}) } });

  describe('merge', () => {
    it('merges tenant → section → tag → agent and by priority within a scope, with provenance', async () => {
      await deleteAll();
      const t0 = await createPolicy({ name: 'fleet', scope: 'tenant', priority: 900, body: { monitoring: { intervalSecs: 100, pingCount: 5 }, collectors: ['cpu'], settings: { a: { x: 1, y: 1 } } } });
      const t1 = await createPolicy({ name: 'fleet-high', scope: 'tenant', priority: 950, body: { monitoring: { intervalSecs: 90 } } });
      const sec = await createPolicy({ name: 'berlin', scope: 'section', target: sectionId, priority: 0, body: { monitoring: { intervalSecs: 80 }, settings: { a: { y: 2 } } } });
      const tagLow = await createPolicy({ name: 'web', scope: 'tag', target: 'web', priority: 20, body: { monitoring: { intervalSecs: 70 }, collectors: ['disk', 'memory'] } });
      const tagHigh = await createPolicy({ name: 'edge', scope: 'tag', target: 'edge', priority: 30, body: { monitoring: { intervalSecs: 60 } } });
      await createPolicy({ name: 'off', scope: 'agent', target: agent.agentId, priority: 1000, enabled: false, body: { monitoring: { intervalSecs: 1 } } });
      const mine = await createPolicy({ name: 'me', scope: 'agent', target: agent.agentId, priority: 0, body: { heartbeatIntervalSecs: 42 } });

      const e = await effective();
      expect(e.policies.map((p) => p.policyId)).toEqual([t0.id, t1.id, sec.id, tagLow.id, tagHigh.id, mine.id]);
      const doc = e.configuration;
      expect(doc.monitoring).toMatchObject({ interval_secs: 60, ping_count: 5 });
      expect(doc.server.heartbeat_interval_secs).toBe(42);
      expect(doc.agentry.collectors).toEqual(['disk', 'memory']);
      expect(doc.agentry.settings).toEqual({ a: { x: 1, y: 2 } });

      const interval = e.provenance.find((p) => p.path === 'monitoring.intervalSecs')!;
      expect(interval.source).toEqual({ kind: 'policy', policyId: tagHigh.id, name: 'edge', scope: 'tag', target: 'edge', priority: 30 });
      expect(interval.overridden.map((o) => [o.value, o.source.policyId])).toEqual([
        [70, tagLow.id],
        [80, sec.id],
        [90, t1.id],
        [100, t0.id],
        [60, null],
      ]);
      expect(e.provenance.find((p) => p.path === 'monitoring.timeoutSecs')).toMatchObject({ value: 5, source: { kind: 'default' }, overridden: [] });
      expect(e.provenance.find((p) => p.path === 'settings.a.y')).toMatchObject({ value: 2, source: { policyId: sec.id }, overridden: [{ value: 1 }] });
    });
  });

  describe('agent read', () => {
    it('serves a Smotra AgentConfig document with an ETag, then 304 without a single repository call', async () => {
      const first = await agentGet();
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"cfg-[0-9a-f]{32}"$/);
      const doc = (await first.json()) as Record<string, unknown>;
      expectSmotraAgentConfig(doc);
      expect(doc).toMatchObject({ agent_id: agent.agentId, tags: ['web', 'edge'] });
      expect(etag).toBe((await effective()).etag);

      const counter = countRepositoryCalls(s.repos);
      try {
        for (let i = 0; i < 5; i++) {
          const again = await agentGet(etag);
          expect(again.status).toBe(304);
          expect(again.headers.get('etag')).toBe(etag);
          expect(await again.text()).toBe('');
        }
        const full = await agentGet();
        expect(full.status).toBe(200);
        expect(await full.json()).toEqual(doc);
        expect(counter.calls).toEqual([]);
        // The counter does see queries: an uncached read makes them.
        await s.client.GET('/api/v1/policies', {});
        expect(counter.calls).toContain('policies.list');
      } finally {
        counter.restore();
      }
    });

    it('a policy change gives a new document at once; an unrelated write does not drop the cache', async () => {
      const etag = (await agentGet()).headers.get('etag')!;
      await s.client.POST('/api/v1/tokens', { body: { name: 'unrelated', role: 'viewer' } });
      const counter = countRepositoryCalls(s.repos);
      expect((await agentGet(etag)).status).toBe(304);
      expect(counter.calls).toEqual([]);
      counter.restore();
      const p = await createPolicy({ name: 'late', scope: 'agent', target: agent.agentId, priority: 500, body: { reportIntervalSecs: 123 } });
      const changed = await agentGet(etag);
      expect(changed.status).toBe(200);
      expect(((await changed.json()) as { server: { report_interval_secs: number } }).server.report_interval_secs).toBe(123);
      const etag2 = changed.headers.get('etag')!;
      expect(etag2).not.toBe(etag);
      await s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } });
      const back = await agentGet(etag2);
      expect(back.status).toBe(200);
      expect(back.headers.get('etag')).toBe(etag);
    });

    it('agent and section changes invalidate: tags, moving, deleting the section', async () => {
      await deleteAll();
      const other = await s.client.POST('/api/v1/sections', { body: { name: 'paris' } });
      await createPolicy({ name: 'tagged', scope: 'tag', target: 'web', body: { collectionIntervalSecs: 11 } });
      await createPolicy({ name: 'paris', scope: 'section', target: other.data!.id, body: { collectionIntervalSecs: 22 } });
      const read = async () => {
        const r = await agentGet();
        return { etag: r.headers.get('etag')!, doc: (await r.json()) as { tags: string[]; agentry: { collection_interval_secs: number } } };
      };
      const a = await read();
      expect(a.doc.agentry.collection_interval_secs).toBe(11);
      await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: agent.agentId } }, body: { tags: ['edge'] } });
      const b = await read();
      expect(b.doc.tags).toEqual(['edge']);
      expect(b.doc.agentry.collection_interval_secs).toBe(60);
      await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: agent.agentId } }, body: { sectionId: other.data!.id } });
      expect((await read()).doc.agentry.collection_interval_secs).toBe(22);
      await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: other.data!.id } } });
      expect((await read()).doc.agentry.collection_interval_secs).toBe(60);
      await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: agent.agentId } }, body: { tags: ['web', 'edge'], sectionId } });
    });

    it('a revoked key fails at once even though the route verifies keys from memory', async () => {
      const other = await enrollAgent(s.client, await enrollmentSecret(s.client));
      const etag = (await agentGet(undefined, other.apiKey, other.agentId)).headers.get('etag')!;
      expect((await agentGet(etag, other.apiKey, other.agentId)).status).toBe(304);
      expect((await agentGet(etag, other.apiKey, agent.agentId)).status).toBe(403);
      await s.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: other.agentId } } });
      expect((await agentGet(etag, other.apiKey, other.agentId)).status).toBe(401);
    });
  });

  describe('endpoints', () => {
    it('lists assigned and policy-selected endpoints in the Smotra shape; endpoint changes invalidate the cached document', async () => {
      await deleteAll();
      const createEndpoint = async (body: Record<string, unknown>) => {
        // Bodies built by the test as plain records; the server validates them against the contract.
        const res = await s.client.POST('/api/v1/endpoints', { body: body as never });
        expect(res.response.status, JSON.stringify(res.error)).toBe(201);
        return res.data!;
      };
      const assigned = await createEndpoint({ name: 'web check', address: 'example.org', checkType: 'tcpconnect', port: 443, tags: ['https'], assignment: { tags: ['web'] } });
      const byId = await createEndpoint({ name: 'dns', address: '192.0.2.53', checkType: 'ping', assignment: {} });
      const byTag = await createEndpoint({ name: 'site', address: 'https://example.com/', checkType: 'httpget', tags: ['probe'], assignment: {} });
      await createEndpoint({ name: 'unrelated', address: 'example.net', checkType: 'ping', tags: ['other'], assignment: {} });
      const first = await agentGet();
      const etag = first.headers.get('etag')!;
      const doc1 = (await first.json()) as { endpoints: Record<string, unknown>[] };
      // The shape checker takes the protocol's loose JSON type; the document was read as JSON above.
      expectSmotraAgentConfig(doc1 as never);
      expect(doc1.endpoints).toEqual([{ id: assigned.id, address: 'example.org', port: 443, enabled: true, tags: ['https'], check_type: 'tcpconnect', interval_secs: 60, timeout_secs: 5 }]);

      await createPolicy({ name: 'probes', scope: 'tenant', body: { endpoints: { ids: [byId.id], tags: ['probe'] } } });
      const second = await agentGet(etag);
      expect(second.status).toBe(200);
      const doc2 = (await second.json()) as { endpoints: { id: string }[] };
      expect(doc2.endpoints.map((e) => e.id).sort()).toEqual([assigned.id, byId.id, byTag.id].sort());
      const etag2 = second.headers.get('etag')!;
      expect((await agentGet(etag2)).status).toBe(304);

      // Bodies built by the test as plain records; the server validates them against the contract.
      const upd = await s.client.PATCH('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: assigned.id } }, body: { address: 'example.io' } as never });
      expect(upd.response.status).toBe(200);
      const third = await agentGet(etag2);
      expect(third.status).toBe(200);
      expect(((await third.json()) as { endpoints: { id: string; address: string }[] }).endpoints.find((e) => e.id === assigned.id)!.address).toBe('example.io');
      await s.client.DELETE('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: assigned.id } } });
      const fourth = await agentGet(third.headers.get('etag')!);
      expect(fourth.status).toBe(200);
      expect(((await fourth.json()) as { endpoints: { id: string }[] }).endpoints.map((e) => e.id)).not.toContain(assigned.id);
    });

    it('policies may name only endpoints and endpoint tags of the tenant', async () => {
      const other = await tenantWithToken(s.repos, 'admin');
      const foreign = s.clientFor(other.secret);
      const theirs = (await foreign.POST('/api/v1/endpoints', { body: { name: 'x', address: 'example.org', checkType: 'ping', tags: ['theirs'], assignment: {} } })).data!;
      for (const body of [{ endpoints: { ids: [theirs.id] } }, { endpoints: { tags: ['theirs'] } }]) {
        const res = await s.client.POST('/api/v1/policies', { body: { name: 'x', scope: 'tenant', body } });
        expect(res.response.status).toBe(404);
      }
    });
  });

  describe('preview', () => {
    it('returns the effective document and its diff for a draft, saving nothing', async () => {
      await deleteAll();
      const existing = await createPolicy({ name: 'base', scope: 'tenant', body: { monitoring: { pingCount: 4 } } });
      const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const res = await s.client.POST('/api/v1/policies/preview', {
        body: { agentId: agent.agentId, policy: { name: 'draft', scope: 'tag', target: 'web', priority: 5, body: { monitoring: { intervalSecs: 15 }, collectors: ['cpu'] } } },
      });
      expect(res.response.status).toBe(200);
      const { current, preview, diff } = res.data!;
      expect(current.configuration.monitoring.interval_secs).toBe(60);
      expect(preview.configuration.monitoring).toMatchObject({ interval_secs: 15, ping_count: 4 });
      const paths = diff.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['monitoring.interval_secs', 'agentry.collectors', 'version', 'config_hash']));
      expect(paths).not.toContain('monitoring.ping_count');
      expect(diff.find((d) => d.path === 'monitoring.interval_secs')).toEqual({ path: 'monitoring.interval_secs', change: 'changed', before: 60, after: 15 });

      const replacing = await s.client.POST('/api/v1/policies/preview', { body: { agentId: agent.agentId, policyId: existing.id, policy: { name: 'base', scope: 'tenant', body: {} } } });
      expect(replacing.data!.preview.configuration.monitoring.ping_count).toBe(3);

      expect((await s.client.GET('/api/v1/policies', {})).data!.items.map((p) => p.id)).toEqual([existing.id]);
      const { data: after } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      expect(after!.nextOffset).toBe(head!.nextOffset);
      expect((await effective()).configuration.monitoring.interval_secs).toBe(60);
    });

    it('400 for a bad draft, 404 for an unknown agent or policy', async () => {
      // Deliberately outside the client's body type: the server must refuse it by the contract.
      const bad = await s.client.POST('/api/v1/policies/preview', { body: { agentId: agent.agentId, policy: { name: 'd', scope: 'tenant', body: { nope: 1 } } } as never });
      expect(bad.response.status).toBe(400);
      const unknown = '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b';
      expect((await s.client.POST('/api/v1/policies/preview', { body: { agentId: unknown, policy: { name: 'd', scope: 'tenant', body: {} } } })).response.status).toBe(404);
      expect((await s.client.POST('/api/v1/policies/preview', { body: { agentId: agent.agentId, policyId: unknown, policy: { name: 'd', scope: 'tenant', body: {} } } })).response.status).toBe(404);
    });
  });

  describe('security', () => {
    it("other tenants cannot see an agent's configuration; agent keys cannot call operator routes", async () => {
      const other = await tenantWithToken(s.repos, 'admin');
      const foreign = s.clientFor(other.secret);
      expect((await foreign.GET('/api/v1/agents/{agentId}/effective-configuration', { params: { path: { agentId: agent.agentId } } })).response.status).toBe(404);
      expect((await foreign.POST('/api/v1/policies/preview', { body: { agentId: agent.agentId, policy: { name: 'd', scope: 'tenant', body: {} } } })).response.status).toBe(404);
      const asAgent = await s.fetch(`/api/v1/agents/${agent.agentId}/effective-configuration`, { headers: { authorization: `Bearer ${agent.apiKey}` } });
      expect(asAgent.status).toBe(401);
      expect((await s.fetch(`/api/v1/agent/${agent.agentId}/configuration`)).status).toBe(401);
    });
  });
});
