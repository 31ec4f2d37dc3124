/**
 * The SDK (`agentry/client`) against a real listening server: 429s from the server's own rate limiter,
 * 503s and dropped connections from a real proxy in front of it, idempotent replays of retried POSTs,
 * typed problem errors, and the cursor-page and event-feed iterators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, events, items, ok, ProblemError } from 'agentry/client';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { startTestServer } from '../helpers/server.ts';

describe('SDK against a real server', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let proxy: FaultProxy;
  beforeAll(async () => {
    // A small operator budget, so that a handful of concurrent calls meets the real limiter's 429.
    s = await startTestServer({ config: (c) => Object.assign(c.rateLimits, { operatorRatePerSec: 4, operatorBurst: 2 }) });
    proxy = await startFaultProxy(s.url);
  });
  afterAll(async () => {
    await proxy.close();
    await s.close();
  });

  it('retries the rate limiter’s 429s after Retry-After until every call succeeds', async () => {
    const retries: string[] = [];
    const api = createClient({ baseUrl: s.url, token: s.adminToken, retry: { retries: 8, onRetry: ({ reason }) => retries.push(reason) } });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 6 }, () => ok(api.GET('/api/v1'))));
    expect(answers).toHaveLength(6);
    expect(retries.filter((r) => r === 'status 429').length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000); // the limiter's Retry-After: 1
  });

  it('without retries, a 429 is a typed problem error', async () => {
    const api = createClient({ baseUrl: s.url, token: s.adminToken, retry: false });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => ok(api.GET('/api/v1'))));
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(rejected.length).toBeGreaterThan(0);
    const err = rejected[0];
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.status).toBe(429);
    expect(err.kind).toBe('rate-limited');
    expect(err.response.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 1000)); // let the bucket refill for the next tests
  });

  it('waits out a 503 for its Retry-After, then succeeds', async () => {
    const api = createClient({ baseUrl: proxy.url, token: s.adminToken });
    proxy.inject({ status: 503, retryAfter: '1' }, { status: 503, retryAfter: '0' });
    const started = performance.now();
    const info = await ok(api.GET('/api/v1'));
    expect(info).toBeDefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after its retries and surfaces the last 503', async () => {
    const api = createClient({ baseUrl: proxy.url, token: s.adminToken, retry: { retries: 2, baseDelayMs: 10 } });
    proxy.inject({ status: 503, retryAfter: '0' }, { status: 503, retryAfter: '0' }, { status: 503, retryAfter: '0' });
    await expect(ok(api.GET('/api/v1'))).rejects.toMatchObject({ status: 503 });
  });

  it('retries a GET after a dropped connection', async () => {
    const api = createClient({ baseUrl: proxy.url, token: s.adminToken, retry: { baseDelayMs: 10 } });
    proxy.inject('reset');
    await expect(ok(api.GET('/api/v1'))).resolves.toBeDefined();
  });

  it('retries a creating POST with the same Idempotency-Key: the server replays, nothing is created twice', async () => {
    const api = createClient({ baseUrl: proxy.url, token: s.adminToken, retry: { baseDelayMs: 10, retries: 8 } });
    const before = proxy.seen.length;
    proxy.inject('reset-after'); // the section is created, its answer never arrives
    const { data, response } = await api.POST('/api/v1/sections', { body: { name: 'edge-retried' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    const attempts = proxy.seen.slice(before);
    expect(attempts.length).toBeGreaterThanOrEqual(2); // the dropped one, the replay (and any 429 in between)
    expect(attempts[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    const sections = await ok(api.GET('/api/v1/sections', { params: { query: { limit: 1000 } } }));
    expect(sections.items.filter((x) => x.name === 'edge-retried').map((x) => x.id)).toEqual([data!.id]);
  });

  it('does not repeat a POST without idempotency after a dropped connection', async () => {
    const api = createClient({ baseUrl: proxy.url, token: s.adminToken, retry: { baseDelayMs: 10 } });
    const before = proxy.seen.length;
    proxy.inject('reset');
    await expect(api.POST('/api/v1/tokens/introspect', { body: { token: s.adminToken } })).rejects.toThrow();
    expect(proxy.seen.length - before).toBe(1);
  });

  it('a 404 is a ProblemError with the contract’s problem type', async () => {
    const api = createClient({ baseUrl: s.url, token: s.adminToken });
    const err = await ok(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b' } } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).problem).toMatchObject({ status: 404, type: 'https://agentry.dev/problems/not-found' });
  });

  it('iterates every item of a cursor-paged list and follows the event feed', async () => {
    const api = createClient({ baseUrl: s.url, token: s.adminToken, retry: { retries: 8 } });
    for (const n of [1, 2, 3, 4, 5]) await ok(api.POST('/api/v1/sections', { body: { name: `paged-${n}` } }));
    const names: string[] = [];
    for await (const section of items((cursor) => api.GET('/api/v1/sections', { params: { query: { cursor, limit: 2 } } }))) names.push(section.name);
    expect(names.filter((n) => n.startsWith('paged-')).sort()).toEqual(['paged-1', 'paged-2', 'paged-3', 'paged-4', 'paged-5']);

    const abort = new AbortController();
    const seen: string[] = [];
    for await (const event of events(api, { types: ['section_created'], waitSec: 1, signal: abort.signal })) {
      seen.push(String((event.data as { name?: string }).name));
      if (seen.includes('paged-5')) abort.abort();
    }
    expect(seen).toEqual(expect.arrayContaining(['edge-retried', 'paged-1', 'paged-5']));
  });
});
