/** Enrollment secrets end to end over real HTTP: create/list/get/revoke, secrecy, roles, tenant isolation; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/services/secrets.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('enrollment secrets on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  const create = async (body: { name: string; sectionId?: string; expiresAt?: string }) => {
    const res = await s.client.POST('/api/v1/enroll-secrets', { body });
    expect(res.response.status).toBe(201);
    return res.data!;
  };
  const listAll = async (includeRevoked = false) => (await s.client.GET('/api/v1/enroll-secrets', { params: { query: { includeRevoked, limit: 1000 } } })).data!.items;
  const revoke = (secretId: string) => s.client.DELETE('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId } } });
  const auditOf = async (resourceId: string) => (await s.client.GET('/api/v1/audit', { params: { query: { resourceId } } })).data!.items;

  describe('happy path', () => {
    it('creates a tenant-wide secret: shows it once, stores only its hash', async () => {
      const res = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'datacenter rollout' } });
      expect(res.response.status).toBe(201);
      const { enrollSecret, secret } = res.data!;
      expect(secret).toMatch(/^ens_[0-9A-Za-z]{43}$/);
      const me = await s.client.GET('/api/v1');
      expect(enrollSecret).toEqual({
        id: expect.any(String),
        tenantId: me.data!.principal!.tenantId,
        sectionId: null,
        name: 'datacenter rollout',
        prefix: secret.slice(0, 10),
        createdAt: expect.any(String),
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(res.response.headers.get('location')).toBe(`/api/v1/enroll-secrets/${enrollSecret.id}`);
      const got = await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } });
      expect(got.data).toEqual(enrollSecret);
      const record = await s.repos.enrollmentSecrets.findByHash(hashSecret(secret));
      expect(record).toMatchObject({ id: enrollSecret.id, secretHash: hashSecret(secret) });
      expect(JSON.stringify(record)).not.toContain(secret);
    });

    it('creates a secret for a section, with an expiry', async () => {
      const { data: section } = await s.client.POST('/api/v1/sections', { body: { name: 'edge sites' } });
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const { enrollSecret } = await create({ name: 'edge', sectionId: section!.id, expiresAt });
      expect(enrollSecret).toMatchObject({ sectionId: section!.id, expiresAt });
    });

    it('pages through secrets with nextCursor, oldest first', async () => {
      for (let i = 0; i < 4; i++) await create({ name: `page ${i}` });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const { data } = await s.client.GET('/api/v1/enroll-secrets', { params: { query: { limit: 2, cursor } } });
        seen.push(...data!.items.map((x) => x.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
      expect((await listAll()).map((x) => x.id)).toEqual(seen);
    });

    it('revokes idempotently: hidden from the list unless includeRevoked, revokedAt set, audited once', async () => {
      const { enrollSecret } = await create({ name: 'to revoke' });
      expect((await revoke(enrollSecret.id)).response.status).toBe(204);
      expect((await revoke(enrollSecret.id)).response.status).toBe(204);
      expect((await listAll()).find((x) => x.id === enrollSecret.id)).toBeUndefined();
      const listed = (await listAll(true)).find((x) => x.id === enrollSecret.id);
      expect(listed?.revokedAt).toEqual(expect.any(String));
      const got = await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } });
      expect(got.data).toEqual(listed);
      const audit = await auditOf(enrollSecret.id);
      expect(audit.map((e) => e.action)).toEqual(['enroll_secret.revoke', 'enroll_secret.create']);
      expect(audit[0]).toMatchObject({ resourceType: 'enroll_secret', before: { revokedAt: null }, after: { revokedAt: listed!.revokedAt } });
      const me = await s.client.GET('/api/v1');
      expect(audit[0]).toMatchObject({ actorType: 'operator', actorId: me.data!.principal!.id, ip: expect.stringContaining('127.0.0.1'), requestId: expect.any(String) });
    });

    it('the secret never appears in lists, gets, audit entries, events or logs', async () => {
      const { enrollSecret, secret } = await create({ name: 'keep it secret' });
      await revoke(enrollSecret.id);
      const seen = [
        await listAll(true),
        (await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } })).data,
        (await s.client.GET('/api/v1/audit', { params: { query: { limit: 1000 } } })).data,
        (await s.client.GET('/api/v1/events', { params: { query: { offset: 0, limit: 1000 } } })).data,
      ];
      const text = JSON.stringify(seen);
      expect(text).toContain(enrollSecret.prefix);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashSecret(secret));
      expect(s.logs.text()).toContain(enrollSecret.id);
      expect(s.logs.text()).not.toContain(secret);
      expect(s.logs.text()).not.toContain(hashSecret(secret));
    });

    it('repository hooks for enrollment: findByHash and touchLastUsed', async () => {
      const { enrollSecret, secret } = await create({ name: 'used' });
      const at = new Date('2031-02-03T04:05:06.789Z');
      await s.repos.enrollmentSecrets.touchLastUsed(enrollSecret.id, at);
      const got = await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } });
      expect(got.data!.lastUsedAt).toBe(at.toISOString());
      expect((await s.repos.enrollmentSecrets.findByHash(hashSecret(secret)))?.lastUsedAt?.toISOString()).toBe(at.toISOString());
      expect(await s.repos.enrollmentSecrets.findByHash(hashSecret(`${secret}x`))).toBeNull();
    });
  });

  describe('errors', () => {
    it('a sectionId that is not a section of the tenant is a 404 and stores nothing', async () => {
      const before = await listAll(true);
      const unknown = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'nowhere', sectionId: '01a207a2-0000-7000-8000-000000000000' } });
      expect(unknown.response.status).toBe(404);
      expect(unknown.error).toMatchObject({ type: 'https://agentry.dev/problems/not-found' });
      const b = await tenantWithToken(s.repos, 'admin');
      const { data: sectionOfB } = await s.clientFor(b.secret).POST('/api/v1/sections', { body: { name: 'of b' } });
      const foreign = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'foreign', sectionId: sectionOfB!.id } });
      expect(foreign.response.status).toBe(404);
      expect(await listAll(true)).toEqual(before);
    });

    it('an expiry that is not in the future is a 400', async () => {
      const res = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'stale', expiresAt: new Date(Date.now() - 1000).toISOString() } });
      expect(res.response.status).toBe(400);
      expect(res.error!.errors).toEqual([expect.objectContaining({ path: 'body/expiresAt' })]);
      const leap = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'leap', expiresAt: '2099-12-31T23:59:60Z' } });
      expect(leap.response.status).toBe(400);
    });

    it('malformed ids, unknown fields, oversize strings: 400 listing the fields, nothing stored', async () => {
      const before = await listAll(true);
      const cases: [unknown, string][] = [
        [{}, 'body/name'],
        [{ name: '' }, 'body/name'],
        [{ name: 'n'.repeat(101) }, 'body/name'],
        [{ name: 'ok', sectionId: 'not-a-uuid' }, 'body/sectionId'],
        [{ name: 'ok', sectionId: 'urn:uuid:01a207a2-0000-7000-8000-000000000000' }, 'body/sectionId'],
        [{ name: 'ok', expiresAt: 'tomorrow' }, 'body/expiresAt'],
        [{ name: 'ok', secret: 'ens_chosen' }, 'body/secret'],
        [{ name: 'ok', tenantId: '01a207a2-0000-7000-8000-000000000000' }, 'body/tenantId'],
      ];
      for (const [body, path] of cases) {
        const res = await s.client.POST('/api/v1/enroll-secrets', { body: body as { name: string } });
        expect(res.response.status, JSON.stringify(body)).toBe(400);
        expect(
          res.error!.errors!.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      }
      for (const bad of ['nope', 'urn:uuid:01a207a2-0000-7000-8000-000000000000', '01A207A2-0000-7000-8000-000000000000']) {
        expect((await revoke(bad)).response.status, bad).toBe(400);
        expect((await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: bad } } })).response.status, bad).toBe(400);
      }
      const badQuery = await s.fetch('/api/v1/enroll-secrets?includeRevoked=maybe&limit=0', { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(badQuery.status).toBe(400);
      expect(await listAll(true)).toEqual(before);
    });

    it('unknown secret ids: 404', async () => {
      expect((await revoke('01a207a2-0000-7000-8000-000000000000')).response.status).toBe(404);
      expect((await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: '01a207a2-0000-7000-8000-000000000000' } } })).response.status).toBe(404);
    });
  });

  describe('security', () => {
    it('only admins manage enrollment secrets', async () => {
      const { enrollSecret } = await create({ name: 'admins only' });
      for (const role of ['viewer', 'operator'] as const) {
        const { data } = await s.client.POST('/api/v1/tokens', { body: { name: `${role} on secrets`, role } });
        const as = s.clientFor(data!.secret);
        expect((await as.GET('/api/v1/enroll-secrets')).response.status, role).toBe(403);
        expect((await as.POST('/api/v1/enroll-secrets', { body: { name: `by ${role}` } })).response.status, role).toBe(403);
        expect((await as.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } })).response.status, role).toBe(403);
        expect((await as.DELETE('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } })).response.status, role).toBe(403);
      }
      const { data: admin } = await s.client.POST('/api/v1/tokens', { body: { name: 'admin on secrets', role: 'admin' } });
      const made = await s.clientFor(admin!.secret).POST('/api/v1/enroll-secrets', { body: { name: 'by admin' } });
      expect(made.response.status).toBe(201);
      expect((await s.clientFor(admin!.secret).DELETE('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: made.data!.enrollSecret.id } } })).response.status).toBe(204);
      expect((await s.client.GET('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: enrollSecret.id } } })).data!.revokedAt).toBeNull();
      expect((await s.clientFor().GET('/api/v1/enroll-secrets')).response.status).toBe(401);
    });

    it('a token of tenant B never sees or revokes tenant A secrets (404, not 403)', async () => {
      const { enrollSecret } = await create({ name: 'of tenant a' });
      const b = await tenantWithToken(s.repos, 'admin');
      const asB = s.clientFor(b.secret);
      const listB = await asB.GET('/api/v1/enroll-secrets', { params: { query: { includeRevoked: true, limit: 1000 } } });
      expect(listB.data!.items).toEqual([]);
      const path = { params: { path: { secretId: enrollSecret.id } } };
      expect((await asB.GET('/api/v1/enroll-secrets/{secretId}', path)).response.status).toBe(404);
      expect((await asB.DELETE('/api/v1/enroll-secrets/{secretId}', path)).response.status).toBe(404);
      expect((await s.client.GET('/api/v1/enroll-secrets/{secretId}', path)).data!.revokedAt).toBeNull();
      const own = await asB.POST('/api/v1/enroll-secrets', { body: { name: 'of tenant b' } });
      expect(own.data!.enrollSecret.tenantId).toBe(b.tenant.id);
      expect((await asB.GET('/api/v1/enroll-secrets')).data!.items.map((x) => x.id)).toEqual([own.data!.enrollSecret.id]);
    });
  });
});
