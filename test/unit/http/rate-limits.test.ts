/**
 * Rate limits through the app: the per-IP limit before authentication, class limits per token or per
 * address, trusted proxies, 429 problems with Retry-After and RateLimit-* headers, recovery, metrics.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.ts';
import { createTestApp, type TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { requestFrom } from '../../helpers/peer.ts';
import { generateSecret } from '../../../src/services/secrets.ts';

const HIGH = 1_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function appWith(limits: Partial<Config['rateLimits']>): Promise<TestApp> {
  const t = await createTestApp({ config: testConfig({ rateLimits: limits }) });
  afterAll(() => t.close());
  return t;
}

/** Sends until the first 429 (at most `max` requests): the statuses before it and the 429. */
async function untilLimited(send: () => Promise<Response>, max = 30): Promise<{ before: Response[]; limited: Response }> {
  const before: Response[] = [];
  for (let i = 0; i < max; i++) {
    const res = await send();
    if (res.status === 429) return { before, limited: res };
    before.push(res);
  }
  throw new Error(`no 429 in ${max} requests`);
}

function expectRateLimitedProblem(res: Response, limit: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
}

describe('per-IP limit (every request, before authentication)', async () => {
  const t = await appWith({ ipRatePerSec: 20, ipBurst: 5 });

  it('trips at the burst with a 429 problem, Retry-After and RateLimit-* headers, and recovers at the refill rate', async () => {
    const ip = '198.51.100.1';
    const started = performance.now();
    const { before, limited } = await untilLimited(() => requestFrom(t, ip, '/healthz'));
    const elapsedSec = (performance.now() - started) / 1000;
    expect(before.map((r) => r.status)).toEqual(before.map(() => 200));
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.length).toBeLessThanOrEqual(5 + Math.ceil(elapsedSec * 20)); // the burst, plus a token per 50 ms
    expectRateLimitedProblem(limited, 5);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ type: 'https://agentry.dev/problems/rate-limited', status: 429, instance: '/healthz' });
    expect(limited.headers.get('x-request-id')).toBeTruthy();

    expect((await requestFrom(t, '198.51.100.2', '/healthz')).status).toBe(200); // another address, another bucket
    await sleep(80); // 1.6 tokens at 20/s
    expect((await requestFrom(t, ip, '/healthz')).status).toBe(200);
  });

  it('also counts requests that fail authentication, so tokens cannot be guessed faster than the limit', async () => {
    const bad = { authorization: `Bearer ${generateSecret('opk')}` };
    const { before, limited } = await untilLimited(() => requestFrom(t, '198.51.100.3', '/api/v1/tokens', { headers: bad }));
    expect(new Set(before.map((r) => r.status))).toEqual(new Set([401]));
    expectRateLimitedProblem(limited, 5);
  });

  it('shows rejections by class in /metrics', async () => {
    const text = await (await requestFrom(t, '198.51.100.4', '/metrics')).text();
    const rejected = Number(/rate_limit_rejections_total\{class="ip"\} (\d+)/.exec(text)?.[1]);
    expect(rejected).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/rate_limit_rejections_total\{class="operator"\} 0/);
    expect(text).toMatch(/rate_limit_tracked_clients\{class="ip"\} [1-9]/);
  });
});

describe('class limits', async () => {
  const t = await appWith({ ipRatePerSec: HIGH, ipBurst: HIGH, operatorRatePerSec: 5, operatorBurst: 3, unauthenticatedRatePerSec: 5, unauthenticatedBurst: 2 });

  it('the operator limit is per token: another token is not affected, another address does not help', async () => {
    const first = await requestFrom(t, '198.51.100.10', '/api/v1', { headers: t.auth(t.adminToken) });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBe(1);
    const { limited } = await untilLimited(() => requestFrom(t, '198.51.100.10', '/api/v1', { headers: t.auth(t.adminToken) }));
    expectRateLimitedProblem(limited, 3);
    expect((await requestFrom(t, '198.51.100.11', '/api/v1', { headers: t.auth(t.adminToken) })).status).toBe(429);

    // Creating a token is class `admin`, a separate limit.
    const created = await requestFrom(t, '198.51.100.10', '/api/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) },
      body: JSON.stringify({ name: 'second', role: 'operator' }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    const other = await requestFrom(t, '198.51.100.10', '/api/v1', { headers: t.auth(secret) });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');

    await sleep(250); // a token every 200 ms
    expect((await requestFrom(t, '198.51.100.10', '/api/v1', { headers: t.auth(t.adminToken) })).status).toBe(200);
    const metrics = await (await requestFrom(t, '198.51.100.12', '/metrics')).text();
    expect(metrics).toMatch(/rate_limit_rejections_total\{class="operator"\} [1-9]/);
  });

  it('callers without credentials get the unauthenticated limit, per address', async () => {
    const res = await requestFrom(t, '198.51.100.20', '/api/v1');
    expect(res.headers.get('ratelimit-limit')).toBe('2');
    const { limited } = await untilLimited(() => requestFrom(t, '198.51.100.20', '/api/v1'));
    expectRateLimitedProblem(limited, 2);
    expect((await requestFrom(t, '198.51.100.21', '/api/v1')).status).toBe(200);
  });

  it('RateLimit-* headers also come with error responses of limited operations', async () => {
    const created = await requestFrom(t, '198.51.100.30', '/api/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) },
      body: JSON.stringify({ name: 'fresh', role: 'admin' }),
    });
    const { secret } = (await created.json()) as { secret: string }; // a token whose operator bucket is full
    const res = await requestFrom(t, '198.51.100.30', '/api/v1/tokens/00000000-0000-7000-8000-000000000000', { headers: t.auth(secret) });
    expect(res.status).toBe(404);
    expect(res.headers.get('ratelimit-limit')).toBe('3');
  });
});

describe('trusted proxies and X-Forwarded-For', async () => {
  const t = await appWith({ trustedProxies: ['10.0.0.0/8'], ipRatePerSec: 1, ipBurst: 2 });
  const via = (peer: string, forwardedFor: string, init: RequestInit = {}) =>
    requestFrom(t, peer, init.method === 'POST' ? '/api/v1/tokens' : '/healthz', { ...init, headers: { 'x-forwarded-for': forwardedFor, ...init.headers } });

  it('behind a trusted proxy, limits the forwarded client', async () => {
    expect((await via('10.0.0.1', '203.0.113.5')).status).toBe(200);
    expect((await via('10.0.0.2', '203.0.113.5')).status).toBe(200);
    expect((await via('::ffff:10.0.0.1', '203.0.113.5')).status).toBe(429);
    expect((await via('10.0.0.1', '203.0.113.6')).status).toBe(200);
    // What the client itself wrote left of the proxy's entry does not change who it is.
    expect((await via('10.0.0.1', '192.0.2.99, 203.0.113.5')).status).toBe(429);
  });

  it('from an untrusted peer, ignores X-Forwarded-For', async () => {
    expect((await via('198.51.100.40', '203.0.113.7')).status).toBe(200);
    expect((await via('198.51.100.40', '203.0.113.8')).status).toBe(200);
    expect((await via('198.51.100.40', '203.0.113.9')).status).toBe(429);
  });

  it('records the forwarded client in the audit log', async () => {
    const created = await via('10.0.0.1', '203.0.113.77', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) },
      body: JSON.stringify({ name: 'via proxy', role: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: { id: string } };
    const audit = await requestFrom(t, '198.51.100.41', `/api/v1/audit?resourceId=${token.id}`, { headers: t.auth(t.adminToken) });
    expect(((await audit.json()) as { items: { ip: string | null }[] }).items[0]?.ip).toBe('203.0.113.77');
  });
});

describe('rateLimits.enabled: false', async () => {
  const t = await appWith({ enabled: false, ipRatePerSec: 1, ipBurst: 1 });

  it('neither limits nor sends RateLimit-* headers', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await requestFrom(t, '198.51.100.50', '/healthz');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});
