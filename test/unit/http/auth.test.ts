/** Operator bearer auth and role checks from the operation table: 401/403 problems, no secrets in logs. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestApp } from '../../helpers/app.ts';
import { generateSecret } from '../../../src/services/secrets.ts';

const t = await createTestApp();
afterAll(() => t.close());

async function tokenWithRole(role: 'viewer' | 'operator' | 'admin') {
  const res = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) }, body: JSON.stringify({ name: role, role }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { secret: string; token: { id: string } };
}

describe('GET /api/v1 (auth optional)', () => {
  it('works without a token and says nobody is calling', async () => {
    const res = await t.request('/api/v1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'agentry', apiVersion: '1.0.0', principal: null });
  });
  it('says who is calling with a token', async () => {
    const res = await t.request('/api/v1', { headers: t.auth(t.adminToken) });
    expect(((await res.json()) as { principal: { role: string } }).principal.role).toBe('system');
  });
  it('rejects an invalid token instead of ignoring it', async () => {
    const res = await t.request('/api/v1', { headers: t.auth(generateSecret('opk')) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['not bearer', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['garbage token', { authorization: 'Bearer nope' }],
    ['unknown token', { authorization: `Bearer ${generateSecret('opk')}` }],
    ['agent-key shaped token', { authorization: `Bearer ${generateSecret('agk')}` }],
  ])('%s: 401 problem', async (_name, headers) => {
    const res = await t.request('/api/v1/tokens', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('a revoked token fails on its next request', async () => {
    const { secret, token } = await tokenWithRole('admin');
    expect((await t.request('/api/v1/tokens', { headers: t.auth(secret) })).status).toBe(200);
    expect((await t.request(`/api/v1/tokens/${token.id}`, { method: 'DELETE', headers: t.auth(t.adminToken) })).status).toBe(204);
    expect((await t.request('/api/v1/tokens', { headers: t.auth(secret) })).status).toBe(401);
  });

  it('a token fails once its expiry passes, even while cached', async () => {
    // Only Date is faked (timers stay real), before the app is built, so that its clock is the fake one:
    // the expiry is reached by moving the clock, not by waiting for it.
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = await createTestApp();
    try {
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      const res = await app.request('/api/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...app.auth(app.adminToken) },
        body: JSON.stringify({ name: 'short', role: 'viewer', expiresAt }),
      });
      const { secret } = (await res.json()) as { secret: string };
      expect((await app.request('/api/v1', { headers: app.auth(secret) })).status).toBe(200);
      vi.setSystemTime(Date.now() + 59_000);
      expect((await app.request('/api/v1', { headers: app.auth(secret) })).status).toBe(200);
      vi.setSystemTime(Date.now() + 1_000);
      expect((await app.request('/api/v1', { headers: app.auth(secret) })).status).toBe(401);
    } finally {
      await app.close();
      vi.useRealTimers();
    }
  });

  it('never logs a token', async () => {
    const { secret } = await tokenWithRole('viewer');
    await t.request('/api/v1', { headers: t.auth(secret) });
    await t.request('/api/v1/tokens', { headers: t.auth(secret) });
    expect(t.logs.text()).not.toContain(secret);
    expect(t.logs.text()).not.toContain(t.adminToken);
  });
});

describe('roles (x-roles)', () => {
  it.each(['viewer', 'operator'] as const)('%s may not manage tokens: 403', async (role) => {
    const { secret } = await tokenWithRole(role);
    const list = await t.request('/api/v1/tokens', { headers: t.auth(secret) });
    expect(list.status).toBe(403);
    const create = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(secret) }, body: JSON.stringify({ name: 'x', role: 'viewer' }) });
    expect(create.status).toBe(403);
    expect((await t.request('/api/v1/audit', { headers: t.auth(secret) })).status).toBe(403);
  });
  it('admin may, but cannot mint a system token', async () => {
    const { secret } = await tokenWithRole('admin');
    expect((await t.request('/api/v1/tokens', { headers: t.auth(secret) })).status).toBe(200);
    const res = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(secret) }, body: JSON.stringify({ name: 'x', role: 'system' }) });
    expect(res.status).toBe(400);
  });
});
