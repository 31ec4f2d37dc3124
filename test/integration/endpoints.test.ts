/** Monitored endpoints end to end over real HTTP: CRUD, paging, optimistic concurrency, validation, tenant isolation; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('endpoints on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
  });
  afterAll(() => s.close());

  let n = 0;
  const create = async (body: Record<string, unknown> = {}) => {
    const res = await s.client.POST('/api/v1/endpoints', { body: { name: `endpoint ${++n}`, address: `host-${n}.example.com`, checkType: 'ping', ...body } });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    return res.data!;
  };
  const get = (endpointId: string) => s.client.GET('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId } } });
  const patch = (endpointId: string, body: Record<string, unknown>, ifMatch?: string) =>
    s.client.PATCH('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId }, header: ifMatch === undefined ? {} : { 'If-Match': ifMatch } }, body });

  describe('happy path', () => {
    it('creates a managed endpoint at version 1 with defaults, an ETag and Location, and reads it back', async () => {
      const res = await s.client.POST('/api/v1/endpoints', { body: { name: 'gateway', address: '192.0.2.1', checkType: 'tcpconnect', port: 443, tags: ['edge'] } });
      expect(res.response.status).toBe(201);
      expect(res.data).toEqual({
        id: expect.any(String),
        tenantId,
        name: 'gateway',
        address: '192.0.2.1',
        checkType: 'tcpconnect',
        port: 443,
        intervalSec: 60,
        timeoutSec: 5,
        tags: ['edge'],
        enabled: true,
        assignment: { agentIds: [], sectionId: null, tags: [] },
        origin: 'managed',
        reportedBy: null,
        linkedEndpointId: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: res.data!.createdAt,
      });
      expect(res.response.headers.get('etag')).toBe('"1"');
      expect(res.response.headers.get('location')).toBe(`/api/v1/endpoints/${res.data!.id}`);
      const got = await get(res.data!.id);
      expect(got.data).toEqual(res.data);
    });

    it('pages through endpoints oldest first and filters by origin', async () => {
      for (let i = 0; i < 5; i++) await create();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const { data } = await s.client.GET('/api/v1/endpoints', { params: { query: { limit: 2, cursor } } });
        seen.push(...data!.items.map((x) => x.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen.length).toBeGreaterThanOrEqual(5);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      const local = await s.client.GET('/api/v1/endpoints', { params: { query: { origin: 'agent_local' } } });
      expect(local.data!.items).toEqual([]);
    });

    it('updates with PATCH (version, ETag, audit, events) and deletes', async () => {
      const e = await create({ checkType: 'httpget', address: 'https://example.com/health' });
      const res = await patch(e.id, { name: 'health page', intervalSec: 30 });
      expect(res.response.status).toBe(200);
      expect(res.data).toMatchObject({ name: 'health page', intervalSec: 30, version: 2 });
      expect(res.response.headers.get('etag')).toBe('"2"');
      const same = await patch(e.id, { name: 'health page' });
      expect(same.data!.version).toBe(2);
      const del = await s.client.DELETE('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id }, header: { 'If-Match': '"2"' } } });
      expect(del.response.status).toBe(204);
      expect((await get(e.id)).response.status).toBe(404);
      const audit = (await s.client.GET('/api/v1/audit', { params: { query: { resourceId: e.id } } })).data!.items;
      expect(audit.map((a) => a.action)).toEqual(['endpoint.delete', 'endpoint.update', 'endpoint.create']);
      const events = (await s.repos.events.list(tenantId, 0, 10_000)).events.filter((x) => x.resourceId === e.id);
      expect(events.map((x) => x.type)).toEqual(['endpoint_created', 'endpoint_updated', 'endpoint_deleted']);
    });

    it('assigns to agents, a section and tags; listAssignedTo answers what each agent checks', async () => {
      const section = (await s.client.POST('/api/v1/sections', { body: { name: 'dc-1' } })).data!;
      const secret = await enrollmentSecret(s.client);
      const a1 = await enrollAgent(s.client, secret);
      const byId = await create({ assignment: { agentIds: [a1.agentId] } });
      expect(byId.assignment.agentIds).toEqual([a1.agentId]);
      const bySection = await create({ assignment: { sectionId: section.id } });
      const byTag = await create({ assignment: { tags: ['edge'] } });
      const disabled = await create({ enabled: false, assignment: { agentIds: [a1.agentId] } });
      const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
      expect(ids(await s.repos.endpoints.listAssignedTo(tenantId, { agentId: a1.agentId, sectionId: null, tags: [] }))).toEqual([byId.id]);
      expect(ids(await s.repos.endpoints.listAssignedTo(tenantId, { agentId: a1.agentId, sectionId: section.id, tags: ['edge'] }))).toEqual([byId.id, bySection.id, byTag.id]);
      expect(ids(await s.repos.endpoints.listAssignedTo('01a207a2-0000-7000-8000-00000000beef', { agentId: a1.agentId, sectionId: section.id, tags: ['edge'] }))).toEqual([]);
      expect(ids(await s.repos.endpoints.findByIds(tenantId, [disabled.id, byTag.id, '01a207a2-0000-7000-8000-00000000beef']))).toEqual([byTag.id, disabled.id].sort());
      const tagged = await create({ tags: ['core'] });
      expect(ids(await s.repos.endpoints.listByTags(tenantId, ['core']))).toEqual([tagged.id]);
    });
  });

  describe('errors', () => {
    it('409 version-conflict on a stale body version, 412 on a stale If-Match; nothing changes', async () => {
      const e = await create();
      await patch(e.id, { name: 'v2' });
      const stale = await patch(e.id, { name: 'lost', version: 1 });
      expect(stale.response.status).toBe(409);
      expect(stale.error).toMatchObject({ type: 'https://agentry.dev/problems/version-conflict', currentVersion: 2 });
      const pre = await patch(e.id, { name: 'lost' }, '"1"');
      expect(pre.response.status).toBe(412);
      const del = await s.client.DELETE('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id }, header: { 'If-Match': '"1"' } } });
      expect(del.response.status).toBe(412);
      expect((await get(e.id)).data).toMatchObject({ name: 'v2', version: 2 });
    });

    it('400 for shapes the check type cannot use, unknown check types and unknown keys', async () => {
      const bad = async (body: Record<string, unknown>) => {
        // Deliberately outside the client's body type: the server must refuse it by the contract.
        const res = await s.client.POST('/api/v1/endpoints', { body: { name: 'x', address: 'example.com', checkType: 'ping', ...body } as never });
        expect(res.response.status, JSON.stringify(body)).toBe(400);
      };
      await bad({ checkType: 'tcpconnect' });
      await bad({ checkType: 'udpconnect', port: null });
      await bad({ checkType: 'httpget', address: 'example.com' });
      await bad({ checkType: 'ping', address: 'https://example.com' });
      await bad({ checkType: 'icmp' });
      await bad({ port: 70000 });
      await bad({ color: 'red' });
      const e = await create({ checkType: 'tcpconnect', port: 22 });
      expect((await patch(e.id, { port: null })).response.status).toBe(400);
      expect((await get(e.id)).data!.port).toBe(22);
    });

    it('404 for assignment to an agent or section that does not exist', async () => {
      const missing = '01a207a2-0000-7000-8000-00000000beef';
      for (const assignment of [{ agentIds: [missing] }, { sectionId: missing }]) {
        const res = await s.client.POST('/api/v1/endpoints', { body: { name: 'x', address: 'example.com', checkType: 'ping', assignment } });
        expect(res.response.status).toBe(404);
      }
    });
  });

  describe('security', () => {
    it("another tenant's endpoints, agents and sections do not exist for the caller", async () => {
      const e = await create();
      const b = await tenantWithToken(s.repos, 'admin');
      const other = s.clientFor(b.secret);
      expect((await other.GET('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id } } })).response.status).toBe(404);
      expect((await other.PATCH('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id } }, body: { name: 'x' } })).response.status).toBe(404);
      expect((await other.DELETE('/api/v1/endpoints/{endpointId}', { params: { path: { endpointId: e.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/endpoints', {})).data!.items).toEqual([]);
      const secret = await enrollmentSecret(s.client);
      const agent = await enrollAgent(s.client, secret);
      const section = (await s.client.POST('/api/v1/sections', { body: { name: 'not yours' } })).data!;
      for (const assignment of [{ agentIds: [agent.agentId] }, { sectionId: section.id }]) {
        const res = await other.POST('/api/v1/endpoints', { body: { name: 'x', address: 'example.com', checkType: 'ping', assignment } });
        expect(res.response.status).toBe(404);
      }
      expect((await get(e.id)).data!.version).toBe(1);
    });

    it('viewers read but cannot write', async () => {
      const v = await tenantWithToken(s.repos, 'viewer');
      const viewer = s.clientFor(v.secret);
      expect((await viewer.GET('/api/v1/endpoints', {})).response.status).toBe(200);
      expect((await viewer.POST('/api/v1/endpoints', { body: { name: 'x', address: 'example.com', checkType: 'ping' } })).response.status).toBe(403);
    });
  });
});
