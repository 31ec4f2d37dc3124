/** Sections end to end over real HTTP: CRUD, optimistic concurrency, roles, tenant isolation; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('sections on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  let n = 0;
  const create = async (name = `section ${++n}`, description?: string) => {
    const res = await s.client.POST('/api/v1/sections', { body: { name, description } });
    expect(res.response.status).toBe(201);
    return res.data!;
  };
  const get = (sectionId: string) => s.client.GET('/api/v1/sections/{sectionId}', { params: { path: { sectionId } } });
  const patch = (sectionId: string, body: { name?: string; description?: string | null; version?: number }, ifMatch?: string) =>
    s.client.PATCH('/api/v1/sections/{sectionId}', { params: { path: { sectionId }, header: ifMatch === undefined ? {} : { 'If-Match': ifMatch } }, body });
  const auditOf = async (resourceId: string) => (await s.client.GET('/api/v1/audit', { params: { query: { resourceId } } })).data!.items;

  describe('happy path', () => {
    it('creates at version 1 with an ETag and Location, and reads it back', async () => {
      const res = await s.client.POST('/api/v1/sections', { body: { name: 'Berlin office', description: 'Floor 3' } });
      expect(res.response.status).toBe(201);
      const me = await s.client.GET('/api/v1');
      expect(res.data).toEqual({
        id: expect.any(String),
        tenantId: me.data!.principal!.tenantId,
        name: 'Berlin office',
        description: 'Floor 3',
        version: 1,
        createdAt: expect.any(String),
        updatedAt: res.data!.createdAt,
      });
      expect(res.response.headers.get('etag')).toBe('"1"');
      expect(res.response.headers.get('location')).toBe(`/api/v1/sections/${res.data!.id}`);
      const got = await get(res.data!.id);
      expect(got.data).toEqual(res.data);
      expect(got.response.headers.get('etag')).toBe('"1"');
      const withoutDescription = await create('no description');
      expect(withoutDescription.description).toBeNull();
    });

    it('pages through sections with nextCursor, oldest first', async () => {
      for (let i = 0; i < 5; i++) await create();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const { data } = await s.client.GET('/api/v1/sections', { params: { query: { limit: 2, cursor } } });
        seen.push(...data!.items.map((x) => x.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen.length).toBeGreaterThanOrEqual(5);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
      const all = await s.client.GET('/api/v1/sections', { params: { query: { limit: 1000 } } });
      expect(all.data!.items.map((x) => x.id)).toEqual(seen);
    });

    it('updates with PATCH: bumps version and ETag, writes before/after to the audit log', async () => {
      const section = await create('to rename', 'old');
      const res = await patch(section.id, { name: 'renamed', description: null });
      expect(res.response.status).toBe(200);
      expect(res.data).toMatchObject({ id: section.id, name: 'renamed', description: null, version: 2 });
      expect(res.response.headers.get('etag')).toBe('"2"');
      expect(Date.parse(res.data!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(section.updatedAt));
      expect(res.data!.createdAt).toBe(section.createdAt);
      const got = await get(section.id);
      expect(got.data).toEqual(res.data);
      expect(got.response.headers.get('etag')).toBe('"2"');
      const onlyDescription = await patch(section.id, { description: 'new' });
      expect(onlyDescription.data).toMatchObject({ name: 'renamed', description: 'new', version: 3 });

      const audit = await auditOf(section.id);
      expect(audit.map((e) => e.action)).toEqual(['section.update', 'section.update', 'section.create']);
      expect(audit[1]).toMatchObject({ resourceType: 'section', before: { name: 'to rename', description: 'old', version: 1 }, after: { name: 'renamed', description: null, version: 2 } });
      expect(audit[2]).toMatchObject({ before: null, after: { name: 'to rename', version: 1 } });
      const me = await s.client.GET('/api/v1');
      expect(audit[0]).toMatchObject({ actorType: 'operator', actorId: me.data!.principal!.id, ip: expect.stringContaining('127.0.0.1'), requestId: expect.any(String) });
    });

    it('a PATCH that changes nothing keeps the version and writes no audit row', async () => {
      const section = await create('unchanged', 'same');
      const res = await patch(section.id, { name: 'unchanged', description: 'same' }, '"1"');
      expect(res.response.status).toBe(200);
      expect(res.data).toEqual(section);
      expect(res.response.headers.get('etag')).toBe('"1"');
      expect((await auditOf(section.id)).map((e) => e.action)).toEqual(['section.create']);
    });

    it('deletes: 204, then 404, audited; its enrollment secrets go with it', async () => {
      const section = await create('to delete');
      const { data: secret } = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'for the doomed section', sectionId: section.id } });
      const del = await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } } });
      expect(del.response.status).toBe(204);
      expect((await get(section.id)).response.status).toBe(404);
      expect((await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } } })).response.status).toBe(404);
      expect((await patch(section.id, { name: 'ghost' })).response.status).toBe(404);
      const secrets = await s.client.GET('/api/v1/enroll-secrets', { params: { query: { includeRevoked: true, limit: 1000 } } });
      expect(secrets.data!.items.find((x) => x.id === secret!.enrollSecret.id)).toBeUndefined();
      const audit = await auditOf(section.id);
      expect(audit.map((e) => e.action)).toEqual(['section.delete', 'section.create']);
      expect(audit[0]).toMatchObject({ before: { id: section.id, name: 'to delete' }, after: null });
      // The name is free again.
      expect((await s.client.POST('/api/v1/sections', { body: { name: 'to delete' } })).response.status).toBe(201);
    });

    it('publishes section events', async () => {
      const section = await create('evented');
      await patch(section.id, { description: 'x' });
      await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } } });
      const me = await s.client.GET('/api/v1');
      const events = [];
      for (let offset = 0; ; ) {
        const page = await s.repos.events.list(me.data!.principal!.tenantId, offset, 1000);
        events.push(...page.events);
        if (!page.hasMore) break;
        offset = page.events.at(-1)!.offset;
      }
      expect(events.filter((e) => e.resourceId === section.id).map((e) => e.type)).toEqual(['section_created', 'section_updated', 'section_deleted']);
    });
  });

  describe('optimistic concurrency', () => {
    it('If-Match: the current ETag succeeds, a stale one is 412 and changes nothing', async () => {
      const section = await create('occ header');
      const ok = await patch(section.id, { description: 'first' }, '"1"');
      expect(ok.response.status).toBe(200);
      expect(ok.response.headers.get('etag')).toBe('"2"');
      const stale = await patch(section.id, { description: 'lost update' }, '"1"');
      expect(stale.response.status).toBe(412);
      expect(stale.error).toMatchObject({ status: 412, type: 'https://agentry.dev/problems/precondition-failed' });
      expect((await get(section.id)).data).toMatchObject({ description: 'first', version: 2 });
      expect((await patch(section.id, { description: 'star' }, '*')).data!.version).toBe(3);
      expect((await patch(section.id, { description: 'list' }, '"9", W/"3"')).data!.version).toBe(4);
      expect((await auditOf(section.id)).map((e) => e.action)).toEqual(['section.update', 'section.update', 'section.update', 'section.create']);
    });

    it('body version: a stale one is 409 version-conflict with currentVersion and changes nothing', async () => {
      const section = await create('occ body');
      expect((await patch(section.id, { name: 'occ body v2', version: 1 })).data!.version).toBe(2);
      const stale = await patch(section.id, { name: 'occ body lost', version: 1 });
      expect(stale.response.status).toBe(409);
      expect(stale.error).toMatchObject({ status: 409, type: 'https://agentry.dev/problems/version-conflict', currentVersion: 2 });
      expect((await get(section.id)).data).toMatchObject({ name: 'occ body v2', version: 2 });
    });

    it('concurrent conditional PATCHes of one version: exactly one wins', async () => {
      const section = await create('occ race');
      const results = await Promise.all([0, 1, 2, 3].map((i) => patch(section.id, { description: `writer ${i}` }, '"1"')));
      expect(results.map((r) => r.response.status).sort()).toEqual([200, 412, 412, 412]);
      expect((await get(section.id)).data!.version).toBe(2);
    });

    it('concurrent unconditional PATCHes all land, each on its own version', async () => {
      const section = await create('occ unconditional');
      const results = await Promise.all([0, 1, 2].map((i) => patch(section.id, { description: `writer ${i}` })));
      expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
      expect(results.map((r) => r.data!.version).sort()).toEqual([2, 3, 4]);
    });

    it('DELETE with a stale If-Match is 412 and keeps the section', async () => {
      const section = await create('occ delete');
      await patch(section.id, { description: 'changed' });
      const stale = await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id }, header: { 'If-Match': '"1"' } } });
      expect(stale.response.status).toBe(412);
      expect((await get(section.id)).response.status).toBe(200);
      const ok = await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id }, header: { 'If-Match': '"2"' } } });
      expect(ok.response.status).toBe(204);
    });
  });

  describe('errors', () => {
    it('a name the tenant already uses is 409 name-taken, on create and on rename', async () => {
      await create('taken');
      const dup = await s.client.POST('/api/v1/sections', { body: { name: 'taken' } });
      expect(dup.response.status).toBe(409);
      expect(dup.error).toMatchObject({ type: 'https://agentry.dev/problems/name-taken' });
      const other = await create('other');
      const rename = await patch(other.id, { name: 'taken' });
      expect(rename.response.status).toBe(409);
      expect(rename.error).toMatchObject({ type: 'https://agentry.dev/problems/name-taken' });
      expect((await get(other.id)).data).toMatchObject({ name: 'other', version: 1 });
      const results = await Promise.all([0, 1, 2].map(() => s.client.POST('/api/v1/sections', { body: { name: 'raced' } })));
      expect(results.map((r) => r.response.status).sort()).toEqual([201, 409, 409]);
    });

    it('malformed ids, unknown fields, oversize or blank strings: 400 listing the fields, nothing stored or changed', async () => {
      const section = await create('guarded', 'keep me');
      const before = await s.client.GET('/api/v1/sections', { params: { query: { limit: 1000 } } });
      const creates: [unknown, string][] = [
        [{}, 'body/name'],
        [{ name: '' }, 'body/name'],
        [{ name: 'x'.repeat(101) }, 'body/name'],
        [{ name: ' padded ' }, 'body/name'],
        [{ name: 'line\nbreak' }, 'body/name'],
        [{ name: 'ok', description: 'd'.repeat(1001) }, 'body/description'],
        [{ name: 'ok', description: 'nul\u0000byte' }, 'body/description'],
        [{ name: 'nul\u0000byte' }, 'body/name'],
        [{ name: 'ok', version: 3 }, 'body/version'],
        [{ name: 'ok', tenantId: section.tenantId }, 'body/tenantId'],
      ];
      for (const [body, path] of creates) {
        const res = await s.client.POST('/api/v1/sections', { body: body as { name: string } });
        expect(res.response.status, JSON.stringify(body)).toBe(400);
        expect(
          res.error!.errors!.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      }
      const patches: [unknown, string][] = [
        [{ name: 'y'.repeat(101) }, 'body/name'],
        [{ version: 0 }, 'body/version'],
        [{ version: 'one' }, 'body/version'],
        [{ id: '01a207a2-0000-7000-8000-000000000000' }, 'body/id'],
      ];
      for (const [body, path] of patches) {
        const res = await patch(section.id, body as { name: string });
        expect(res.response.status, JSON.stringify(body)).toBe(400);
        expect(
          res.error!.errors!.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      }
      const tooLongIfMatch = await patch(section.id, { description: 'x' }, `"${'1'.repeat(300)}"`);
      expect(tooLongIfMatch.response.status).toBe(400);
      for (const bad of ['nope', '123', `${section.id}x`, `urn:uuid:${section.id}`, section.id.toUpperCase()]) {
        expect((await get(bad)).response.status, bad).toBe(400);
        expect((await patch(bad, { name: 'x' })).response.status, bad).toBe(400);
        expect((await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: bad } } })).response.status, bad).toBe(400);
      }
      const notJson = await s.fetch(`/api/v1/sections/${section.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' }, body: '{"name":' });
      expect(notJson.status).toBe(400);
      const after = await s.client.GET('/api/v1/sections', { params: { query: { limit: 1000 } } });
      expect(after.data).toEqual(before.data);
      expect((await auditOf(section.id)).map((e) => e.action)).toEqual(['section.create']);
    });

    it('unknown section ids: 404', async () => {
      const id = '01a207a2-0000-7000-8000-000000000000';
      expect((await get(id)).error).toMatchObject({ status: 404, type: 'https://agentry.dev/problems/not-found' });
      expect((await patch(id, { name: 'x' })).response.status).toBe(404);
      expect((await s.client.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: id } } })).response.status).toBe(404);
    });
  });

  describe('security', () => {
    it('viewers and operators read but cannot write; admins can', async () => {
      const section = await create('roles');
      for (const role of ['viewer', 'operator'] as const) {
        const { data } = await s.client.POST('/api/v1/tokens', { body: { name: `${role} on sections`, role } });
        const as = s.clientFor(data!.secret);
        expect((await as.GET('/api/v1/sections')).response.status, role).toBe(200);
        const got = await as.GET('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } } });
        expect(got.response.status, role).toBe(200);
        expect(got.response.headers.get('etag')).toBe('"1"');
        expect((await as.POST('/api/v1/sections', { body: { name: `by ${role}` } })).response.status, role).toBe(403);
        expect((await as.PATCH('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } }, body: { name: `by ${role}` } })).response.status, role).toBe(403);
        expect((await as.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: section.id } } })).response.status, role).toBe(403);
      }
      const { data: admin } = await s.client.POST('/api/v1/tokens', { body: { name: 'admin on sections', role: 'admin' } });
      const asAdmin = s.clientFor(admin!.secret);
      const made = await asAdmin.POST('/api/v1/sections', { body: { name: 'by admin' } });
      expect(made.response.status).toBe(201);
      expect((await asAdmin.PATCH('/api/v1/sections/{sectionId}', { params: { path: { sectionId: made.data!.id } }, body: { description: 'ok' } })).response.status).toBe(200);
      expect((await asAdmin.DELETE('/api/v1/sections/{sectionId}', { params: { path: { sectionId: made.data!.id } } })).response.status).toBe(204);
      expect((await get(section.id)).data).toMatchObject({ name: 'roles', version: 1 });
      expect((await s.clientFor().GET('/api/v1/sections')).response.status).toBe(401);
    });

    it('a token of tenant B never sees or changes tenant A sections (404, not 403); names are per tenant', async () => {
      const ofA = await create('shared name');
      const b = await tenantWithToken(s.repos, 'admin');
      const asB = s.clientFor(b.secret);
      const list = await asB.GET('/api/v1/sections', { params: { query: { limit: 1000 } } });
      expect(list.data!.items).toEqual([]);
      const path = { params: { path: { sectionId: ofA.id } } };
      expect((await asB.GET('/api/v1/sections/{sectionId}', path)).response.status).toBe(404);
      expect((await asB.PATCH('/api/v1/sections/{sectionId}', { ...path, body: { name: 'hijacked' } })).response.status).toBe(404);
      expect((await asB.PATCH('/api/v1/sections/{sectionId}', { params: { path: { sectionId: ofA.id }, header: { 'If-Match': '"1"' } }, body: { name: 'hijacked' } })).response.status).toBe(404);
      expect((await asB.DELETE('/api/v1/sections/{sectionId}', path)).response.status).toBe(404);
      expect((await get(ofA.id)).data).toEqual(ofA);
      const own = await asB.POST('/api/v1/sections', { body: { name: 'shared name' } });
      expect(own.response.status).toBe(201);
      expect(own.data!.tenantId).toBe(b.tenant.id);
      expect((await asB.GET('/api/v1/sections')).data!.items.map((x) => x.id)).toEqual([own.data!.id]);
      expect((await s.client.GET('/api/v1/sections/{sectionId}', { params: { path: { sectionId: own.data!.id } } })).response.status).toBe(404);
      const auditB = await asB.GET('/api/v1/audit', { params: { query: { resourceId: ofA.id } } });
      expect(auditB.data!.items).toEqual([]);
    });
  });
});
