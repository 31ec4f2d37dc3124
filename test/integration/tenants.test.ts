/** Tenants end to end over real HTTP (system tokens only), on SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('tenants on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  const unique = (base: string) => `${base}-${Math.random().toString(36).slice(2, 10)}`;

  describe('happy path', () => {
    it('creates a tenant with its own audit row and tenant_created event, and gets it back', async () => {
      const name = unique('acme');
      const { data, response } = await s.client.POST('/api/v1/tenants', { body: { name } });
      expect(response.status).toBe(201);
      expect(data).toEqual({ id: expect.any(String), name, createdAt: expect.any(String) });
      expect(response.headers.get('location')).toBe(`/api/v1/tenants/${data!.id}`);
      const got = await s.client.GET('/api/v1/tenants/{tenantId}', { params: { path: { tenantId: data!.id } } });
      expect(got.response.status).toBe(200);
      expect(got.data).toEqual(data);

      const me = await s.client.GET('/api/v1');
      const audit = await s.repos.audit.list(data!.id, { resourceId: data!.id }, { limit: 10 });
      expect(audit.items).toHaveLength(1);
      expect(audit.items[0]).toMatchObject({
        tenantId: data!.id,
        action: 'tenant.create',
        resourceType: 'tenant',
        actorType: 'operator',
        actorId: me.data!.principal!.id,
        before: null,
        after: { id: data!.id, name },
        ip: expect.stringContaining('127.0.0.1'),
        requestId: response.headers.get('x-request-id'),
      });
      const events = await s.repos.events.list(data!.id, 0, 10);
      expect(events.events.map((e) => [e.offset, e.type, e.resourceId, e.data])).toEqual([[1, 'tenant_created', data!.id, { name }]]);
    });

    it('pages through every tenant with nextCursor, oldest first', async () => {
      for (let i = 0; i < 3; i++) expect((await s.client.POST('/api/v1/tenants', { body: { name: unique(`page-${i}`) } })).response.status).toBe(201);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const { data } = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 2, cursor } } });
        expect(data!.items.length).toBeLessThanOrEqual(2);
        seen.push(...data!.items.map((t) => t.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
      const all = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 1000 } } });
      expect(all.data!.items.map((t) => t.id)).toEqual(seen);
      expect(all.data!.items.map((t) => t.name)).toContain('default');
      expect(all.data!.nextCursor).toBeNull();
    });

    it('replays a create with the same Idempotency-Key instead of failing on the taken name', async () => {
      const name = unique('idem');
      const headers = { 'Idempotency-Key': `tenant-${name}` };
      const first = await s.client.POST('/api/v1/tenants', { body: { name }, params: { header: headers } });
      const again = await s.client.POST('/api/v1/tenants', { body: { name }, params: { header: headers } });
      expect(again.response.status).toBe(201);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.data).toEqual(first.data);
      const other = await s.client.POST('/api/v1/tenants', { body: { name: unique('other') }, params: { header: headers } });
      expect(other.response.status).toBe(422);
    });
  });

  describe('errors', () => {
    it('a taken name is a 409 name-taken problem and creates nothing', async () => {
      const name = unique('dup');
      await s.client.POST('/api/v1/tenants', { body: { name } });
      const before = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 1000 } } });
      const dup = await s.client.POST('/api/v1/tenants', { body: { name } });
      expect(dup.response.status).toBe(409);
      expect(dup.error).toMatchObject({ status: 409, type: 'https://agentry.dev/problems/name-taken' });
      const defaultDup = await s.client.POST('/api/v1/tenants', { body: { name: 'default' } });
      expect(defaultDup.response.status).toBe(409);
      const after = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 1000 } } });
      expect(after.data!.items).toEqual(before.data!.items);
    });

    it('concurrent creates of one name: exactly one wins, the others get 409', async () => {
      const name = unique('race');
      const results = await Promise.all([0, 1, 2, 3].map(() => s.client.POST('/api/v1/tenants', { body: { name } })));
      expect(results.map((r) => r.response.status).sort()).toEqual([201, 409, 409, 409]);
    });

    it('unknown and malformed tenant ids: 404 and 400', async () => {
      const unknown = await s.client.GET('/api/v1/tenants/{tenantId}', { params: { path: { tenantId: '01a207a2-0000-7000-8000-000000000000' } } });
      expect(unknown.response.status).toBe(404);
      expect(unknown.error).toMatchObject({ type: 'https://agentry.dev/problems/not-found' });
      for (const bad of ['nope', '1234', '01a207a2-0000-7000-8000-00000000000g', 'urn:uuid:01a207a2-0000-7000-8000-000000000000']) {
        const res = await s.client.GET('/api/v1/tenants/{tenantId}', { params: { path: { tenantId: bad } } });
        expect(res.response.status, bad).toBe(400);
        expect(new Set(res.error!.errors!.map((e) => e.path))).toEqual(new Set(['path/tenantId']));
      }
    });

    it('bad bodies are 400 problems listing the fields, and store nothing', async () => {
      const before = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 1000 } } });
      const post = (body: unknown) => s.client.POST('/api/v1/tenants', { body: body as { name: string } });
      const cases: [unknown, string][] = [
        [{}, 'body/name'],
        [{ name: '' }, 'body/name'],
        [{ name: 'a'.repeat(101) }, 'body/name'],
        [{ name: 'Upper Case' }, 'body/name'],
        [{ name: '-leading-dash' }, 'body/name'],
        [{ name: 'ok-name', extra: true }, 'body/extra'],
        [{ name: 42 }, 'body/name'],
      ];
      for (const [body, path] of cases) {
        const res = await post(body);
        expect(res.response.status, JSON.stringify(body)).toBe(400);
        expect(
          res.error!.errors!.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      }
      expect((await post({ name: 'a'.repeat(100) })).response.status).toBe(201);
      const after = await s.client.GET('/api/v1/tenants', { params: { query: { limit: 1000 } } });
      expect(after.data!.items).toHaveLength(before.data!.items.length + 1);
    });

    it('a cursor the server did not issue is a 400', async () => {
      const res = await s.client.GET('/api/v1/tenants', { params: { query: { cursor: 'bm9wZQ' } } });
      expect(res.response.status).toBe(400);
    });
  });

  describe('security', () => {
    it('tenant admins and lesser roles cannot list, read or create tenants (403); without a token 401', async () => {
      const { data: tenant } = await s.client.POST('/api/v1/tenants', { body: { name: unique('guarded') } });
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const { data } = await s.client.POST('/api/v1/tokens', { body: { name: `${role} probe`, role } });
        const as = s.clientFor(data!.secret);
        expect((await as.GET('/api/v1/tenants')).response.status, role).toBe(403);
        expect((await as.GET('/api/v1/tenants/{tenantId}', { params: { path: { tenantId: tenant!.id } } })).response.status, role).toBe(403);
        const created = await as.POST('/api/v1/tenants', { body: { name: unique(`by-${role}`) } });
        expect(created.response.status, role).toBe(403);
        expect(created.error).toMatchObject({ type: 'https://agentry.dev/problems/forbidden' });
      }
      const foreign = await tenantWithToken(s.repos, 'admin');
      expect((await s.clientFor(foreign.secret).GET('/api/v1/tenants')).response.status).toBe(403);
      expect((await s.clientFor().GET('/api/v1/tenants')).response.status).toBe(401);
      expect((await s.clientFor().POST('/api/v1/tenants', { body: { name: unique('anon') } })).response.status).toBe(401);
    });
  });
});
