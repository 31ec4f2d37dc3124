/** Request ids, logs, metrics, compression and CORS. */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { responseProblems } from '../../helpers/contract.ts';

const config = testConfig({ server: { corsOrigins: ['https://console.example'] }, log: { level: 'debug', requests: true } });
const t = await createTestApp({ config, logLevel: 'debug' });
afterAll(() => t.close());

describe('request id', () => {
  it('is generated and echoed when absent', async () => {
    const res = await t.request('/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('is honoured when valid and put on every log line of the request', async () => {
    const res = await t.request('/api/v1/tokens', { headers: { 'x-request-id': 'trace-abc-123', ...t.auth(t.adminToken) } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const lines = t.logs.lines().filter((l) => l.requestId === 'trace-abc-123');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ route: '/api/v1/tokens', status: 200, method: 'GET' });
  });
  it('access lines: successful requests at debug, client errors at info', async () => {
    await t.request('/api/v1/tokens', { headers: { 'x-request-id': 'ok-1', ...t.auth(t.adminToken) } });
    await t.request('/api/v1/tokens', { headers: { 'x-request-id': 'denied-1' } });
    const access = (id: string) => t.logs.lines().find((l) => l.requestId === id && l.msg === 'request');
    expect(access('ok-1')).toMatchObject({ level: 'debug', status: 200 });
    expect(access('denied-1')).toMatchObject({ level: 'info', status: 401 });
  });
  it('is replaced when it is not a sane id', async () => {
    const res = await t.request('/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(res.headers.get('x-request-id')).not.toContain(' ');
  });
});

describe('/metrics', () => {
  it('exposes process, HTTP (by route template) and database pool metrics', async () => {
    await t.request('/api/v1/tokens/00000000-0000-7000-8000-000000000000', { headers: t.auth(t.adminToken) });
    const res = await t.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toMatch(/http_requests_total\{route="\/api\/v1\/tokens\/\{tokenId\}",method="GET",status="404"\} 1/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/db_pool_max_connections 1/);
    expect(text).toContain('db_pool_in_use');
  });
});

describe('http_requests_total', () => {
  it('counts each request once, however often it is scraped', async () => {
    for (let i = 0; i < 3; i++) await t.request('/api/v1/tokens/00000000-0000-7000-8000-00000000000a', { headers: t.auth(t.adminToken) });
    const count = async () => {
      const text = await (await t.request('/metrics')).text();
      return Number(/http_requests_total\{route="\/api\/v1\/tokens\/\{tokenId\}",method="GET",status="404"\} (\d+)/.exec(text)?.[1]);
    };
    const first = await count();
    expect(first).toBeGreaterThanOrEqual(3);
    expect(await count()).toBe(first);
    await t.request('/api/v1/tokens/00000000-0000-7000-8000-00000000000b', { headers: t.auth(t.adminToken) });
    expect(await count()).toBe(first + 1);
  });
});

describe('compression', () => {
  it('compresses large responses for clients that accept it', async () => {
    const res = await t.request('/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });
  it('never compresses tiny replies', async () => {
    const res = await t.request('/healthz', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
  });
});

describe('CORS', () => {
  it('allows configured origins and exposes the request id', async () => {
    const res = await t.request('/api/v1', { headers: { origin: 'https://console.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });
  it('answers preflights, and puts its headers on error responses too', async () => {
    // Preflights are CORS's, not operations of the contract: unchecked.
    const pre = await t.rawRequest('/api/v1/tokens', { method: 'OPTIONS', headers: { origin: 'https://console.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(pre.headers.get('x-request-id')).toBeTruthy();
    const denied = await t.request('/api/v1/tokens', { headers: { origin: 'https://console.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(denied.headers.get('x-request-id')).toBeTruthy();
    const unrouted = await t.request('/api/v1/nothing-here', { headers: { origin: 'https://console.example' } });
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers.get('access-control-allow-origin')).toBe('https://console.example');
  });
  it('does not allow other origins', async () => {
    const res = await t.request('/api/v1', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('published contract', () => {
  it('serves the bundled document as JSON and YAML, and an offline reference page', async () => {
    const json = (await (await t.request('/openapi.json')).json()) as { openapi: string; info: { version: string } };
    expect(json.openapi).toBe('3.1.0');
    const yaml = await (await t.request('/openapi.yaml')).text();
    expect(yaml).toContain('openapi: 3.1.0');
    const page = await (await t.request('/docs')).text();
    expect(page).toContain('/docs/assets/api-reference.js');
    expect(page).not.toMatch(/https?:\/\/(cdn|fonts)\./);
    const script = await t.request('/docs/assets/api-reference.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});

describe('the response checker used by every test', () => {
  it('flags undeclared statuses, content types and bodies that break the schema', () => {
    expect(responseProblems('GET', '/healthz', 200, 'application/json', '{"status":"ok"}')).toEqual([]);
    expect(responseProblems('GET', '/healthz', 500, 'application/problem+json', '{}')[0]).toMatch(/status 500 is not declared/);
    expect(responseProblems('GET', '/healthz', 200, 'text/plain', 'ok')[0]).toMatch(/content type text\/plain/);
    expect(responseProblems('GET', '/healthz', 200, 'application/json', '{"status":"fine"}')[0]).toMatch(/must be equal to one of the allowed values/);
    expect(responseProblems('GET', '/api/v1/tokens', 200, 'application/json', '{"items":[],"nextCursor":null,"secretHash":"x"}')[0]).toMatch(/additional/);
  });
});
