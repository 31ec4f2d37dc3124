/**
 * Rate limits over real HTTP (SQLite): the client address comes from the socket, a burst of concurrent
 * requests is cut at the configured burst with 429s, and the limit recovers at the refill rate. Behind a
 * trusted proxy (loopback here) each X-Forwarded-For client has its own budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { startTestServer } from '../helpers/server.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits on a listening server', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({
      config: (c) => Object.assign(c.rateLimits, { ipRatePerSec: 20, ipBurst: 10, trustedProxies: ['127.0.0.1'] }),
    });
  });
  afterAll(() => s.close());

  it('cuts a concurrent burst at the limit with 429s, then recovers', async () => {
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 40 }, () => s.fetch('/healthz')));
    const elapsedSec = (performance.now() - started) / 1000;
    const ok = responses.filter((r) => r.status === 200).length;
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(elapsedSec * 20)); // the burst, plus what refilled (20/s) meanwhile
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBe(40 - ok);
    const sample = limited[0]!;
    expect(sample.headers.get('content-type')).toBe('application/problem+json');
    expect(sample.headers.get('retry-after')).toBe('1');
    expect(sample.headers.get('ratelimit-limit')).toBe('10');
    expect(sample.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await sample.json()) as { type: string }).type).toBe('https://agentry.dev/problems/rate-limited');

    await sleep(1000); // Retry-After
    const after = await Promise.all(Array.from({ length: 5 }, () => s.fetch('/healthz')));
    expect(after.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(Number(/rate_limit_rejections_total\{class="ip"\} (\d+)/.exec(metrics)?.[1])).toBe(limited.length);
  });

  it('through a trusted proxy, gives each forwarded client its own budget', async () => {
    const from = (client: string) => s.fetch('/healthz', { headers: { 'x-forwarded-for': client } });
    const first = await Promise.all(Array.from({ length: 20 }, () => from('203.0.113.1')));
    expect(first.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect((await from('203.0.113.1')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(200);
  });

  it('keys by the socket address: the report names 127.0.0.1', async () => {
    const { data, response } = await s.client.GET('/api/v1/admin/rate-limits');
    expect(response.status).toBe(200);
    const rejected = data!.topByRejections.map((c) => c.key);
    expect(rejected).toContain('127.0.0.1');
    expect(rejected).toContain('203.0.113.1');
    expect(rejected).not.toContain('203.0.113.2');
  });
});

describe('agent limit', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ config: (c) => Object.assign(c.rateLimits, { agentRatePerSec: 1, agentBurst: 2 }) });
  });
  afterAll(() => s.close());

  it('is per agent: one agent over its limit does not hold back another on the same address', async () => {
    const secret = await enrollmentSecret(s.client);
    const [a, b] = [await enrollAgent(s.client, secret), await enrollAgent(s.client, secret)];
    const heartbeat = (agent: { agentId: string; apiKey: string }) =>
      s.fetch(`/api/v1/agent/${agent.agentId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey }, body: JSON.stringify(heartbeatBody) });
    const first = await heartbeat(a);
    expect(first.status).toBe(204);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect((await heartbeat(a)).status).toBe(204);
    const limited = await heartbeat(a);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await heartbeat(b)).status).toBe(204);

    const { data } = await s.client.GET('/api/v1/admin/rate-limits');
    expect(data!.topByRejections[0]).toMatchObject({ class: 'agent', keyKind: 'agent', key: a.agentId, rejections: 1 });
  });
});
