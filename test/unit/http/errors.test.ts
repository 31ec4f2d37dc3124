/** Bad input gets a documented 4xx problem+json, never a 5xx; unexpected failures a 500 without internals. */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';

const config = testConfig({ server: { bodyLimitBytes: 4096, requestTimeoutMs: 200 } });
const t = await createTestApp({
  config,
  handlerOverrides: {
    getLiveness: () => {
      throw new Error('secret internal detail at /srv/db.ts:42');
    },
    getHealth: () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('late')), 1000)),
  },
});
afterAll(() => t.close());

const json = (body: unknown, token = t.adminToken) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...t.auth(token) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
  expect(body.status).toBe(res.status);
  expect(body.type).toMatch(/^https:\/\/agentry\.dev\/problems\//);
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  return body;
}

describe('routing errors', () => {
  it('unknown route: 404', async () => {
    const res = await t.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((await problemOf(res)).type).toContain('not-found');
  });
  it('known route, wrong method: 405 with Allow', async () => {
    const res = await t.request('/api/v1/tokens', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    await problemOf(res);
  });
});

describe('body errors', () => {
  it('unsupported media type: 415', async () => {
    const res = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'text/plain', ...t.auth(t.adminToken) }, body: 'hello' });
    expect(res.status).toBe(415);
    await problemOf(res);
  });
  it('body over the cap: 413, by Content-Length and by streamed size', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(5000), role: 'viewer' });
    const res = await t.request('/api/v1/tokens', json(big));
    expect(res.status).toBe(413);
    await problemOf(res);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        c.close();
      },
    });
    const chunked = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });
  it('malformed JSON: 400 naming the body', async () => {
    const res = await t.request('/api/v1/tokens', json('{"name": "x", '));
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.errors?.[0]?.path).toBe('body');
  });
  it('validation: 400 listing every failing field', async () => {
    const res = await t.request('/api/v1/tokens', json({ name: '', role: 'root', expiresAt: 'tomorrow', colour: 'red' }));
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.errors?.map((e) => e.path).sort()).toEqual(['body/colour', 'body/expiresAt', 'body/name', 'body/role']);
  });
  it('missing body: 400', async () => {
    const res = await t.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...t.auth(t.adminToken) } });
    expect(res.status).toBe(400);
  });
  it('bad path and query parameters: 400 with each field', async () => {
    const res = await t.request('/api/v1/tokens/not-a-uuid', { headers: t.auth(t.adminToken) });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors).toEqual([{ path: 'path/tokenId', message: expect.stringMatching(/^must match (format "uuid"|pattern)/) }]);
    const q = await t.request('/api/v1/tokens?limit=0&cursor=%21&bogus=1', { headers: t.auth(t.adminToken) });
    expect(q.status).toBe(400);
    expect((await problemOf(q)).errors?.map((e) => e.path).sort()).toEqual(['query/bogus', 'query/cursor', 'query/limit']);
  });
  it('query parameters on an operation that declares none: 400', async () => {
    const res = await t.request('/api/v1/tokens/introspect?verbose=1', json({ token: t.adminToken }));
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['query/verbose']);
  });
  it('a cursor this server did not issue: 400', async () => {
    const res = await t.request('/api/v1/tokens?cursor=abcdef', { headers: t.auth(t.adminToken) });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]?.path).toBe('query/cursor');
  });
});

describe('failures inside the server', () => {
  it('an exception becomes a 500 problem with the request id and no internals', async () => {
    const res = await t.rawRequest('/healthz/live', { headers: { 'x-request-id': 'req-500' } });
    expect(res.status).toBe(500);
    const p = await problemOf(res);
    expect(JSON.stringify(p)).not.toContain('secret internal detail');
    expect(JSON.stringify(p)).not.toContain('db.ts');
    expect(p).toMatchObject({ requestId: 'req-500' });
    const logged = t.logs.lines().find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: 'req-500' });
  });
  it('a handler past the request timeout: 504', async () => {
    const res = await t.rawRequest('/healthz');
    expect(res.status).toBe(504);
    await problemOf(res);
  });
});
