/**
 * Console sessions end to end over real HTTP, on SQLite and Postgres: signing in with a token sets an
 * HttpOnly, SameSite=Strict cookie that acts with the token's role, on same-origin requests only; sessions
 * expire, can be revoked (also through their token), and signing out clears them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('console sessions on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  const sameOrigin = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, 'sec-fetch-site': 'same-origin', ...extra });

  async function signIn(token: string, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }) {
    const res = await s.fetch('/api/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
    const setCookie = res.headers.get('set-cookie') ?? '';
    return { res, setCookie, cookie: setCookie.split(';')[0]!, body: res.status === 201 ? ((await res.json()) as { session: { id: string }; principal: { role: string } }) : null };
  }

  describe('happy path', () => {
    it('exchanges a token for an HttpOnly, SameSite=Strict cookie that reads the API with the token role', async () => {
      const { res, setCookie, cookie, body } = await signIn(s.adminToken);
      expect(res.status).toBe(201);
      expect(setCookie).toMatch(/^agentry_session=ses_[A-Za-z0-9]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      expect(setCookie).not.toContain(s.adminToken);
      expect(body!.principal.role).toBe('system'); // the bootstrap token's role
      const agents = await s.fetch('/api/v1/agents', { headers: sameOrigin(cookie) });
      expect(agents.status).toBe(200);
      const current = await s.fetch('/api/v1/sessions/current', { headers: sameOrigin(cookie) });
      expect(((await current.json()) as { session: { id: string } }).session.id).toBe(body!.session.id);
      // An unsafe request from the console page sends Origin (and Sec-Fetch-Site).
      const section = await s.fetch('/api/v1/sections', {
        method: 'POST',
        headers: { ...sameOrigin(cookie), origin: s.url, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `console-${Date.now()}` }),
      });
      expect(section.status).toBe(201);
    });

    it('signs out: the session is revoked and the cookie cleared', async () => {
      const { cookie } = await signIn(s.adminToken);
      const out = await s.fetch('/api/v1/sessions/current', { method: 'DELETE', headers: sameOrigin(cookie, { origin: s.url }) });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^agentry_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
      expect((await s.fetch('/api/v1/agents', { headers: sameOrigin(cookie) })).status).toBe(401);
      // Signing out again (stale cookie) still just clears it.
      expect((await s.fetch('/api/v1/sessions/current', { method: 'DELETE', headers: sameOrigin(cookie, { origin: s.url }) })).status).toBe(204);
    });
  });

  describe('errors', () => {
    it('rejects an unknown token with 401 and sets no cookie', async () => {
      const { res, setCookie } = await signIn('opk_thisIsNotARealTokenAtAllButLooksLongEnough1');
      expect(res.status).toBe(401);
      expect(setCookie).toBe('');
    });

    it('refuses an expired session', async () => {
      const short = await startTestServer({ dialect, config: (c) => (c.auth.sessionTtlSeconds = 1) });
      try {
        const res = await short.fetch('/api/v1/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
          body: JSON.stringify({ token: short.adminToken }),
        });
        const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
        expect((await short.fetch('/api/v1/agents', { headers: sameOrigin(cookie) })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1100));
        const expired = await short.fetch('/api/v1/agents', { headers: sameOrigin(cookie) });
        expect(expired.status).toBe(401);
        expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);
      } finally {
        await short.close();
      }
    });

    it('refuses a revoked session, and every session of a revoked token', async () => {
      const { cookie, body } = await signIn(s.adminToken);
      expect((await s.client.DELETE('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: body!.session.id } } })).response.status).toBe(204);
      const revoked = await s.fetch('/api/v1/agents', { headers: sameOrigin(cookie) });
      expect(revoked.status).toBe(401);
      expect(((await revoked.json()) as { detail: string }).detail).toMatch(/revoked/);

      const created = await s.client.POST('/api/v1/tokens', { body: { name: 'short-lived', role: 'viewer' } });
      const viewer = await signIn(created.data!.secret);
      expect((await s.fetch('/api/v1/agents', { headers: sameOrigin(viewer.cookie) })).status).toBe(200);
      await s.client.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: created.data!.token.id } } });
      expect((await s.fetch('/api/v1/agents', { headers: sameOrigin(viewer.cookie) })).status).toBe(401);
    });
  });

  describe('security', () => {
    it('accepts the cookie on same-origin requests only', async () => {
      const { cookie } = await signIn(s.adminToken);
      expect((await s.fetch('/api/v1/agents', { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
      expect((await s.fetch('/api/v1/agents', { headers: { cookie, 'sec-fetch-site': 'same-site' } })).status).toBe(403);
      expect((await s.fetch('/api/v1/agents', { headers: { cookie, origin: 'http://evil.example' } })).status).toBe(403);
      const post = { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'csrf' }) };
      expect((await s.fetch('/api/v1/sections', post)).status).toBe(403); // unsafe, and says nothing of its origin
      expect((await s.fetch('/api/v1/sessions/current', { method: 'DELETE', headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    });

    it('refuses a sign-in from another site (login CSRF)', async () => {
      expect((await signIn(s.adminToken, { 'sec-fetch-site': 'cross-site' })).res.status).toBe(403);
      expect((await signIn(s.adminToken, { origin: 'http://evil.example' })).res.status).toBe(403);
    });

    it('applies the token role exactly: a viewer session may not write', async () => {
      const created = await s.client.POST('/api/v1/tokens', { body: { name: 'viewer', role: 'viewer' } });
      const { cookie, body } = await signIn(created.data!.secret);
      expect(body!.principal.role).toBe('viewer');
      const res = await s.fetch('/api/v1/sections', { method: 'POST', headers: { ...sameOrigin(cookie), origin: s.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'nope' }) });
      expect(res.status).toBe(403);
    });

    it("hides another tenant's sessions (404) and lists only the caller's", async () => {
      const other = await tenantWithToken(s.repos);
      const theirs = await signIn(other.secret);
      const revoke = await s.client.DELETE('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: theirs.body!.session.id } } });
      expect(revoke.response.status).toBe(404);
      const mine = await s.client.GET('/api/v1/sessions', { params: { query: { includeRevoked: true } } });
      expect(mine.data!.items.some((x) => x.id === theirs.body!.session.id)).toBe(false);
      expect((await s.fetch('/api/v1/agents', { headers: sameOrigin(theirs.cookie) })).status).toBe(200);
    });
  });
});
