/**
 * A new tenant's first admin over the API (`POST /api/v1/tenants/{tenantId}/tokens`, system tokens only),
 * on SQLite and Postgres: the token works in its tenant and only there, the secret is shown once and
 * stored hashed, the creation is audited in the tenant, and nobody but a system token may call it.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('tenant tokens on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  const unique = (base: string) => `${base}-${Math.random().toString(36).slice(2, 10)}`;
  const newTenant = async () => {
    const { data, response } = await s.client.POST('/api/v1/tenants', { body: { name: unique('tenant') } });
    expect(response.status).toBe(201);
    return data!;
  };
  const createIn = (tenantId: string, body: { name: string; role: 'viewer' | 'operator' | 'admin'; expiresAt?: string }, as = s.client, header?: { 'Idempotency-Key': string }) =>
    as.POST('/api/v1/tenants/{tenantId}/tokens', { params: { path: { tenantId }, ...(header ? { header } : {}) }, body });

  it('gives a new tenant its first admin: the token acts in that tenant, audited there with the system token as actor', async () => {
    const tenant = await newTenant();
    const { data, response } = await createIn(tenant.id, { name: 'first admin', role: 'admin' });
    expect(response.status).toBe(201);
    expect(data!.token).toMatchObject({ tenantId: tenant.id, name: 'first admin', role: 'admin', revokedAt: null });
    expect(data!.secret).toMatch(/^opk_/);
    expect(data!.secret.startsWith(data!.token.prefix)).toBe(true);

    const admin = s.clientFor(data!.secret);
    const me = await admin.GET('/api/v1');
    expect(me.data!.principal).toEqual({ type: 'operator', id: data!.token.id, tenantId: tenant.id, role: 'admin', name: 'first admin' });
    const section = await admin.POST('/api/v1/sections', { body: { name: 'Site A' } });
    expect(section.response.status).toBe(201);
    const operator = await admin.POST('/api/v1/tokens', { body: { name: 'ops', role: 'operator' } });
    expect(operator.data!.token.tenantId).toBe(tenant.id);
    const tokens = await admin.GET('/api/v1/tokens');
    expect(tokens.data!.items.map((t) => t.id).sort()).toEqual([data!.token.id, operator.data!.token.id].sort());

    const system = (await s.client.GET('/api/v1')).data!.principal!;
    const audit = await s.repos.audit.list(tenant.id, { resourceId: data!.token.id }, { limit: 10 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ tenantId: tenant.id, action: 'token.create', resourceType: 'token', actorType: 'operator', actorId: system.id, requestId: response.headers.get('x-request-id') });
    expect(JSON.stringify(audit.items[0])).not.toContain(data!.secret);
    const events = await s.repos.events.list(tenant.id, 0, 10);
    expect(events.events.map((e) => [e.type, e.resourceId])).toContainEqual(['token_created', data!.token.id]);
  });

  it('shows the secret once and stores only its SHA-256 hash', async () => {
    const tenant = await newTenant();
    const { data } = await createIn(tenant.id, { name: 'once', role: 'admin' });
    const secret = data!.secret;
    const admin = s.clientFor(secret);
    const got = await admin.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: data!.token.id } } });
    // lastUsedAt is written in the background after the first use: null or a time, either is right here.
    expect(got.data).toEqual({ ...data!.token, lastUsedAt: got.data!.lastUsedAt });
    expect(JSON.stringify(got.data)).not.toContain(secret);
    expect(JSON.stringify((await admin.GET('/api/v1/tokens')).data)).not.toContain(secret);
    const stored = await s.repos.operatorTokens.findByHash(createHash('sha256').update(secret).digest('hex'));
    expect(stored).toMatchObject({ id: data!.token.id, tenantId: tenant.id });
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it("the new tenant's admin cannot see the default tenant's resources (404) nor manage tenants (403)", async () => {
    const defaultSection = await s.client.POST('/api/v1/sections', { body: { name: unique('Default site') } });
    const defaultToken = await s.client.POST('/api/v1/tokens', { body: { name: 'default ops', role: 'operator' } });
    const tenant = await newTenant();
    const admin = s.clientFor((await createIn(tenant.id, { name: 'isolated', role: 'admin' })).data!.secret);

    const section = await admin.GET('/api/v1/sections/{sectionId}', { params: { path: { sectionId: defaultSection.data!.id } } });
    expect(section.response.status).toBe(404);
    const token = await admin.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: defaultToken.data!.token.id } } });
    expect(token.response.status).toBe(404);
    const revoke = await admin.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: defaultToken.data!.token.id } } });
    expect(revoke.response.status).toBe(404);
    expect((await admin.GET('/api/v1/sections')).data!.items).toEqual([]);
    const defaultTenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    const escalate = await createIn(defaultTenantId, { name: 'escalate', role: 'admin' }, admin);
    expect(escalate.response.status).toBe(403);
    expect((await admin.GET('/api/v1/tenants')).response.status).toBe(403);
    expect((await s.client.GET('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: defaultToken.data!.token.id } } })).data!.revokedAt).toBeNull();
  });

  it('only system tokens may call it: tenant roles get 403, no token 401, and nothing is created', async () => {
    const tenant = await newTenant();
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const { data } = await s.client.POST('/api/v1/tokens', { body: { name: `${role} probe`, role } });
      const res = await createIn(tenant.id, { name: `by ${role}`, role: 'admin' }, s.clientFor(data!.secret));
      expect(res.response.status, role).toBe(403);
      expect(res.error).toMatchObject({ type: 'https://agentry.dev/problems/forbidden' });
    }
    expect((await createIn(tenant.id, { name: 'anon', role: 'admin' }, s.clientFor())).response.status).toBe(401);
    expect((await s.repos.operatorTokens.list(tenant.id, { limit: 10 }, true)).items).toEqual([]);
  });

  it('unknown tenant 404, malformed id and a system role 400, and a replayed Idempotency-Key returns the same token', async () => {
    const unknown = await createIn('01a207a2-0000-7000-8000-000000000000', { name: 'ghost', role: 'admin' });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toMatchObject({ type: 'https://agentry.dev/problems/not-found' });
    expect((await createIn('nope', { name: 'x', role: 'admin' })).response.status).toBe(400);
    const tenant = await newTenant();
    const system = await s.client.POST('/api/v1/tenants/{tenantId}/tokens', { params: { path: { tenantId: tenant.id } }, body: { name: 'sys', role: 'system' as 'admin' } });
    expect(system.response.status).toBe(400);
    const past = await createIn(tenant.id, { name: 'past', role: 'admin', expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.response.status).toBe(400);

    const header = { 'Idempotency-Key': unique('first-admin') };
    const first = await createIn(tenant.id, { name: 'idem', role: 'admin' }, s.client, header);
    const again = await createIn(tenant.id, { name: 'idem', role: 'admin' }, s.client, header);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toEqual(first.data);
    expect((await s.repos.operatorTokens.list(tenant.id, { limit: 10 }, true)).items.map((t) => t.id)).toEqual([first.data!.token.id]);
  });
});
