/** Policies end to end over real HTTP: CRUD, paging and filters, OCC, references, bad input, roles, tenants; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('policies on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sectionId: string;
  let agentId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    sectionId = (await s.client.POST('/api/v1/sections', { body: { name: 'berlin' } })).data!.id;
    agentId = (await enrollAgent(s.client, await enrollmentSecret(s.client, sectionId), { tags: ['web'] })).agentId;
  });
  afterAll(() => s.close());

  const create = (body: Record<string, unknown>) =>
    s.fetch('/api/v1/policies', { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const count = async () => (await s.client.GET('/api/v1/policies', { params: { query: { limit: 1000 } } })).data!.items.length;
  const patch = (policyId: string, body: Record<string, unknown>, ifMatch?: string) =>
    s.client.PATCH('/api/v1/policies/{policyId}', { params: { path: { policyId }, header: ifMatch === undefined ? {} : { 'If-Match': ifMatch } }, body });

  describe('happy path', () => {
    it('creates every scope at version 1, reads, lists with filters and pages', async () => {
      const made = [];
      for (const [scope, target] of [
        ['tenant', null],
        ['section', sectionId],
        ['tag', 'web'],
        ['agent', agentId.toUpperCase()],
      ] as const) {
        const res = await s.client.POST('/api/v1/policies', { body: { name: `${scope} policy`, scope, target, priority: 10, body: { monitoring: { intervalSecs: 30 }, settings: { team: scope } } } });
        expect(res.response.status).toBe(201);
        expect(res.response.headers.get('etag')).toBe('"1"');
        expect(res.data).toMatchObject({ scope, target: target?.toLowerCase() ?? null, priority: 10, enabled: true, version: 1, description: null });
        made.push(res.data!);
      }
      const got = await s.client.GET('/api/v1/policies/{policyId}', { params: { path: { policyId: made[3]!.id } } });
      expect(got.data).toEqual(made[3]);
      const unchanged = await s.fetch(`/api/v1/policies/${made[3]!.id}`, { headers: { authorization: `Bearer ${s.adminToken}`, 'if-none-match': '"1"' } });
      expect(unchanged.status).toBe(304);
      expect(unchanged.headers.get('etag')).toBe('"1"');
      const tags = await s.client.GET('/api/v1/policies', { params: { query: { scope: 'tag' } } });
      expect(tags.data!.items.map((p) => p.id)).toEqual([made[2]!.id]);
      const byTarget = await s.client.GET('/api/v1/policies', { params: { query: { target: sectionId } } });
      expect(byTarget.data!.items.map((p) => p.id)).toEqual([made[1]!.id]);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const { data } = await s.client.GET('/api/v1/policies', { params: { query: { limit: 1, cursor } } });
        seen.push(...data!.items.map((p) => p.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen).toEqual(made.map((p) => p.id));
    });

    it('updates (If-Match and body version), audits and emits policy_changed; delete too', async () => {
      const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const p = (await s.client.POST('/api/v1/policies', { body: { name: 'p', scope: 'tenant', body: {} } })).data!;
      const a = await patch(p.id, { priority: 5, body: { heartbeatIntervalSecs: 60 } }, '"1"');
      expect(a.response.status).toBe(200);
      expect(a.data).toMatchObject({ version: 2, priority: 5, body: { heartbeatIntervalSecs: 60 } });
      const b = await patch(p.id, { enabled: false, version: 2 });
      expect(b.data).toMatchObject({ version: 3, enabled: false });
      const same = await patch(p.id, { enabled: false });
      expect(same.data!.version).toBe(3);
      const del = await s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id }, header: { 'If-Match': '"3"' } } });
      expect(del.response.status).toBe(204);
      expect((await s.client.GET('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } })).response.status).toBe(404);
      const audit = (await s.client.GET('/api/v1/audit', { params: { query: { resourceId: p.id } } })).data!.items;
      expect(audit.map((e) => e.action).sort()).toEqual(['policy.create', 'policy.delete', 'policy.update', 'policy.update']);
      const events = (await s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, types: ['policy_changed'] } } })).data!.events;
      expect(events.map((e) => e.data.action)).toEqual(['created', 'updated', 'updated', 'deleted']);
      expect(events.every((e) => e.resourceId === p.id)).toBe(true);
    });
  });

  describe('optimistic concurrency', () => {
    it('412 on a stale If-Match, 409 version-conflict with the current version on a stale body version', async () => {
      const p = (await s.client.POST('/api/v1/policies', { body: { name: 'occ', scope: 'tenant', body: {} } })).data!;
      await patch(p.id, { priority: 1 });
      const stale = await patch(p.id, { priority: 2 }, '"1"');
      expect(stale.response.status).toBe(412);
      const conflict = await patch(p.id, { priority: 3, version: 1 });
      expect(conflict.response.status).toBe(409);
      expect(conflict.error).toMatchObject({ type: 'https://agentry.dev/problems/version-conflict', currentVersion: 2 });
      const del = await s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id }, header: { 'If-Match': '"1"' } } });
      expect(del.response.status).toBe(412);
      expect((await s.client.GET('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } })).data).toMatchObject({ priority: 1, version: 2 });
    });
  });

  describe('bad input stores nothing', () => {
    it.each([
      ['a wrong type', { name: 'x', scope: 'tenant', body: { heartbeatIntervalSecs: '30' } }, 'body/body/heartbeatIntervalSecs'],
      ['an unknown key', { name: 'x', scope: 'tenant', body: { heartbeat: 30 } }, 'body/body/heartbeat'],
      ['an unknown nested key', { name: 'x', scope: 'tenant', body: { monitoring: { intervalSeconds: 30 } } }, 'body/body/monitoring/intervalSeconds'],
      ['a priority out of range', { name: 'x', scope: 'tenant', priority: 1001, body: {} }, 'body/priority'],
      ['a negative priority', { name: 'x', scope: 'tenant', priority: -1, body: {} }, 'body/priority'],
      ['a fractional interval', { name: 'x', scope: 'tenant', body: { monitoring: { intervalSecs: 1.5 } } }, 'body/body/monitoring/intervalSecs'],
      ['a command type that does not exist', { name: 'x', scope: 'tenant', body: { commands: { allowedTypes: ['reboot'] } } }, 'body/body/commands/allowedTypes/0'],
      ['a tenant policy with a target', { name: 'x', scope: 'tenant', target: 'web', body: {} }, 'body/target'],
      ['a section policy without a target', { name: 'x', scope: 'section', body: {} }, 'body/target'],
      ['an agent policy whose target is no id', { name: 'x', scope: 'agent', target: 'web', body: {} }, 'body/target'],
    ])('400 for %s', async (_label, body, path) => {
      const before = await count();
      const res = await create(body);
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(path);
      expect(await count()).toBe(before);
    });

    it("404 for targets and endpoints that do not exist in the tenant, including another tenant's", async () => {
      const other = await tenantWithToken(s.repos, 'admin');
      const otherClient = s.clientFor(other.secret);
      const otherSection = (await otherClient.POST('/api/v1/sections', { body: { name: 'elsewhere' } })).data!.id;
      const otherAgent = (await enrollAgent(otherClient, await enrollmentSecret(otherClient), { tags: ['foreign-only'] })).agentId;
      const before = await count();
      for (const body of [
        { name: 'x', scope: 'section', target: otherSection, body: {} },
        { name: 'x', scope: 'agent', target: otherAgent, body: {} },
        { name: 'x', scope: 'tag', target: 'foreign-only', body: {} },
        { name: 'x', scope: 'section', target: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b', body: {} },
        { name: 'x', scope: 'tenant', body: { endpoints: { ids: ['0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b'] } } },
      ]) {
        const res = await create(body);
        expect(res.status, JSON.stringify(body)).toBe(404);
      }
      expect(await count()).toBe(before);
      const mine = (await s.client.POST('/api/v1/policies', { body: { name: 'mine', scope: 'tenant', body: {} } })).data!;
      const moved = await patch(mine.id, { scope: 'section', target: otherSection });
      expect(moved.response.status).toBe(404);
      expect((await s.client.GET('/api/v1/policies/{policyId}', { params: { path: { policyId: mine.id } } })).data).toMatchObject({ scope: 'tenant', version: 1 });
    });
  });

  it('a policy whose target was deleted can still be edited and disabled, but not pointed at another missing target', async () => {
    const gone = (await s.client.POST('/api/v1/sections', { body: { name: `short-lived-${dialect}` } })).data!.id;
    const p = (await s.client.POST('/api/v1/policies', { body: { name: 'orphan', scope: 'section', target: gone, body: {} } })).data!;
    await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: gone } } });
    const disabled = await patch(p.id, { enabled: false });
    expect(disabled.response.status).toBe(200);
    expect(disabled.data).toMatchObject({ enabled: false, target: gone, version: 2 });
    const moved = await patch(p.id, { target: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b' });
    expect(moved.response.status).toBe(404);
  });

  describe('security', () => {
    it('viewers read, only admins write; other tenants see nothing', async () => {
      const p = (await s.client.POST('/api/v1/policies', { body: { name: 'sec', scope: 'tenant', body: {} } })).data!;
      const viewer = (await s.client.POST('/api/v1/tokens', { body: { name: 'v', role: 'viewer' } })).data!.secret;
      const operator = (await s.client.POST('/api/v1/tokens', { body: { name: 'o', role: 'operator' } })).data!.secret;
      expect((await s.clientFor(viewer).GET('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } })).response.status).toBe(200);
      expect((await s.clientFor(viewer).POST('/api/v1/policies', { body: { name: 'v', scope: 'tenant', body: {} } })).response.status).toBe(403);
      expect((await s.clientFor(operator).PATCH('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } }, body: { priority: 9 } })).response.status).toBe(403);
      const other = await tenantWithToken(s.repos, 'admin');
      const foreign = s.clientFor(other.secret);
      expect((await foreign.GET('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } })).response.status).toBe(404);
      expect((await foreign.PATCH('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } }, body: { priority: 9 } })).response.status).toBe(404);
      expect((await foreign.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: p.id } } })).response.status).toBe(404);
      expect((await foreign.GET('/api/v1/policies', {})).data!.items).toEqual([]);
    });
  });
});
