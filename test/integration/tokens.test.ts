/** Operator tokens end to end over real HTTP with the generated client, on SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('tokens on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  it('bootstrap token says who it is', async () => {
    const { data, response } = await s.client.GET('/api/v1');
    expect(response.status).toBe(200);
    expect(data?.principal).toMatchObject({ type: 'operator', role: 'system', name: 'bootstrap admin' });
  });

  it('creates a token, shows the secret once, and the token works', async () => {
    const { data, response } = await s.client.POST('/api/v1/tokens', { body: { name: 'ci deploys', role: 'operator' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/api/v1/tokens/${data!.token.id}`);
    expect(data!.secret).toMatch(/^opk_[0-9A-Za-z]{43}$/);
    expect(data!.token.prefix).toBe(data!.secret.slice(0, 10));
    const me = await s.clientFor(data!.secret).GET('/api/v1');
    expect(me.data?.principal).toMatchObject({ id: data!.token.id, role: 'operator' });
    const got = await s.client.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: data!.token.id } } });
    // lastUsedAt is written off the request path, so it may or may not have landed yet.
    expect({ ...got.data, lastUsedAt: null }).toEqual(data!.token);
    expect(JSON.stringify(got.data)).not.toContain(data!.secret);
  });

  it('pages through tokens with nextCursor', async () => {
    for (let i = 0; i < 4; i++) await s.client.POST('/api/v1/tokens', { body: { name: `page ${i}`, role: 'viewer' } });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { data } = await s.client.GET('/api/v1/tokens', { params: { query: { limit: 2, cursor } } });
      seen.push(...data!.items.map((t) => t.id));
      if (!data!.nextCursor) break;
      cursor = data!.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it('revokes: the token fails on its next request, stays listed with includeRevoked, and the audit log says who', async () => {
    const { data } = await s.client.POST('/api/v1/tokens', { body: { name: 'to revoke', role: 'admin' } });
    const token = s.clientFor(data!.secret);
    expect((await token.GET('/api/v1/tokens')).response.status).toBe(200);
    const del = await s.client.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: data!.token.id } } });
    expect(del.response.status).toBe(204);
    expect((await token.GET('/api/v1/tokens')).response.status).toBe(401);
    const again = await s.client.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: data!.token.id } } });
    expect(again.response.status).toBe(204);
    const listed = await s.client.GET('/api/v1/tokens', { params: { query: { includeRevoked: true, limit: 1000 } } });
    expect(listed.data!.items.find((t) => t.id === data!.token.id)?.revokedAt).toEqual(expect.any(String));
    const notListed = await s.client.GET('/api/v1/tokens', { params: { query: { limit: 1000 } } });
    expect(notListed.data!.items.find((t) => t.id === data!.token.id)).toBeUndefined();
    const audit = await s.client.GET('/api/v1/audit', { params: { query: { resourceId: data!.token.id } } });
    expect(audit.data!.items.map((e) => e.action)).toEqual(['token.revoke', 'token.create']);
    const me = await s.client.GET('/api/v1');
    expect(audit.data!.items[0]).toMatchObject({ actorType: 'operator', actorId: me.data!.principal!.id, ip: expect.stringContaining('127.0.0.1'), requestId: expect.any(String) });
    expect(JSON.stringify(audit.data)).not.toContain(data!.secret);
  });

  it('introspects: active for a live token of the tenant, inactive for revoked, foreign or made-up ones', async () => {
    const { data: live } = await s.client.POST('/api/v1/tokens', { body: { name: 'live', role: 'viewer' } });
    const { data: dead } = await s.client.POST('/api/v1/tokens', { body: { name: 'dead', role: 'viewer' } });
    await s.client.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: dead!.token.id } } });
    const foreign = await tenantWithToken(s.repos, 'viewer');
    const ask = async (token: string) => (await s.client.POST('/api/v1/tokens/introspect', { body: { token } })).data!;
    expect(await ask(live!.secret)).toEqual({ active: true, token: { ...live!.token, lastUsedAt: null } });
    expect(await ask(dead!.secret)).toEqual({ active: false });
    expect(await ask(foreign.secret)).toEqual({ active: false });
    expect(await ask(`opk_${'x'.repeat(43)}`)).toEqual({ active: false });
    expect(await ask('not even close')).toEqual({ active: false });
    const asViewer = await s.clientFor(live!.secret).POST('/api/v1/tokens/introspect', { body: { token: live!.secret } });
    expect(asViewer.response.status).toBe(403);
  });

  it('unknown token id: 404', async () => {
    const res = await s.client.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: '01a207a2-0000-7000-8000-000000000000' } } });
    expect(res.response.status).toBe(404);
    expect(res.error).toMatchObject({ status: 404, type: 'https://agentry.dev/problems/not-found' });
  });

  describe('tenant isolation', () => {
    it('a token of tenant B never sees or changes tenant A (404, not 403)', async () => {
      const { data: ofA } = await s.client.POST('/api/v1/tokens', { body: { name: 'tenant A token', role: 'viewer' } });
      const b = await tenantWithToken(s.repos, 'admin');
      const asB = s.clientFor(b.secret);
      const listB = await asB.GET('/api/v1/tokens', { params: { query: { limit: 1000 } } });
      expect(listB.data!.items.every((t) => t.tenantId === b.tenant.id)).toBe(true);
      expect(listB.data!.items.find((t) => t.id === ofA!.token.id)).toBeUndefined();
      expect((await asB.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: ofA!.token.id } } })).response.status).toBe(404);
      expect((await asB.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: ofA!.token.id } } })).response.status).toBe(404);
      expect((await s.clientFor(ofA!.secret).GET('/api/v1')).response.status).toBe(200);
      const auditB = await asB.GET('/api/v1/audit', { params: { query: { limit: 1000 } } });
      expect(auditB.data!.items.every((e) => e.tenantId === b.tenant.id)).toBe(true);
      const created = await asB.POST('/api/v1/tokens', { body: { name: 'b2', role: 'viewer' } });
      expect(created.data!.token.tenantId).toBe(b.tenant.id);
    });
  });
});
