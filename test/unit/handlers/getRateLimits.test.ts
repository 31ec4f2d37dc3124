/** GET /api/v1/admin/rate-limits: the limits in force and the busiest clients, for system tokens only. */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.ts';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { requestFrom } from '../../helpers/peer.ts';

interface Client {
  class: string;
  keyKind: string;
  key: string;
  tokensLeft: number;
  requests: number;
  rejections: number;
  windowStartedAt: string;
  lastSeenAt: string;
}
interface Report {
  enabled: boolean;
  trustedProxies: string[];
  windowSeconds: number;
  limits: { class: string; keyKind: string; ratePerSec: number; burst: number; trackedClients: number }[];
  topByRejections: Client[];
  topByRequests: Client[];
}

const limits: Partial<Config['rateLimits']> = { ipRatePerSec: 1, ipBurst: 3, trustedProxies: ['10.0.0.0/8'] };
const t = await createTestApp({ config: testConfig({ rateLimits: limits }) });
afterAll(() => t.close());

async function tokenWithRole(role: 'operator' | 'admin') {
  const res = await requestFrom(t, '192.0.2.200', '/api/v1/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) },
    body: JSON.stringify({ name: role, role }),
  });
  return ((await res.json()) as { secret: string }).secret;
}

describe('happy path', () => {
  it('shows the limits and the busiest clients, by rejections and by requests', async () => {
    for (let i = 0; i < 6; i++) await requestFrom(t, '198.51.100.9', '/healthz'); // 3 pass, 3 rejected
    for (let i = 0; i < 2; i++) await requestFrom(t, '198.51.100.8', '/healthz');
    const me = (await (await requestFrom(t, '192.0.2.201', '/api/v1', { headers: t.auth(t.adminToken) })).json()) as { principal: { id: string } };

    const res = await requestFrom(t, '192.0.2.202', '/api/v1/admin/rate-limits', { headers: t.auth(t.adminToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe(String(t.config.rateLimits.adminBurst));
    const report = (await res.json()) as Report;
    expect(report).toMatchObject({ enabled: true, trustedProxies: ['10.0.0.0/8'], windowSeconds: 60 });
    expect(report.limits.map((l) => [l.class, l.keyKind])).toEqual([
      ['ip', 'ip'],
      ['unauthenticated', 'ip'],
      ['agent', 'agent'],
      ['operator', 'token'],
      ['admin', 'token'],
    ]);
    expect(report.limits[0]).toMatchObject({ ratePerSec: 1, burst: 3 });
    expect(report.limits[0]!.trackedClients).toBe(4); // .9, .8, .201 and this request's .202

    const [worst] = report.topByRejections;
    expect(worst).toMatchObject({ class: 'ip', keyKind: 'ip', key: '198.51.100.9', tokensLeft: 0, requests: 6, rejections: 3 });
    expect(Date.parse(worst!.lastSeenAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(worst!.windowStartedAt)).toBeLessThanOrEqual(Date.parse(worst!.lastSeenAt));
    expect(report.topByRejections.some((c) => c.key === '198.51.100.8')).toBe(false); // never rejected
    expect(report.topByRequests[0]).toMatchObject({ key: '198.51.100.9', requests: 6 });
    // The system token's own requests, keyed by its id (never its secret).
    expect(report.topByRequests).toContainEqual(expect.objectContaining({ class: 'operator', keyKind: 'token', key: me.principal.id }));
    expect(JSON.stringify(report)).not.toContain(t.adminToken);
  });

  it('shows `top` clients per list', async () => {
    const report = (await (await requestFrom(t, '192.0.2.203', '/api/v1/admin/rate-limits?top=1', { headers: t.auth(t.adminToken) })).json()) as Report;
    expect(report.topByRequests).toHaveLength(1);
    expect(report.topByRejections).toHaveLength(1);
  });
});

describe('errors', () => {
  it('validates `top`', async () => {
    const res = await requestFrom(t, '192.0.2.204', '/api/v1/admin/rate-limits?top=0', { headers: t.auth(t.adminToken) });
    expect(res.status).toBe(400);
  });
});

describe('security', () => {
  it('is for system tokens only: tenant admins and operators get 403, no token 401', async () => {
    for (const role of ['admin', 'operator'] as const) {
      const res = await requestFrom(t, '192.0.2.205', '/api/v1/admin/rate-limits', { headers: t.auth(await tokenWithRole(role)) });
      expect(res.status).toBe(403);
    }
    expect((await requestFrom(t, '192.0.2.206', '/api/v1/admin/rate-limits')).status).toBe(401);
  });
});

describe('rate limiting off', () => {
  it('says so, with the configured limits and no clients', async () => {
    const off = await createTestApp({ config: testConfig({ rateLimits: { enabled: false } }) });
    try {
      const report = (await (await off.request('/api/v1/admin/rate-limits', { headers: off.auth(off.adminToken) })).json()) as Report;
      expect(report.enabled).toBe(false);
      expect(report.limits.every((l) => l.trackedClients === 0)).toBe(true);
      expect(report.topByRequests).toEqual([]);
      expect(report.topByRejections).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
