/**
 * 405 with Allow, for root and /api/v1 paths alike. The expected methods are written here by hand from
 * `openapi/paths/` (not derived from the generated operation table the code is built from), and checked
 * both on `allowedMethodsFromTable` and on a running app's answers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allowedMethodsFromTable } from '../../../src/http/method-not-allowed.ts';
import { createTestApp } from '../../helpers/app.ts';

const app = await createTestApp();
afterAll(() => app.close());

const id = '0b0f6a6e-2b43-4a4e-9a0e-6d7f0f1c2a3b';
/** Path → the methods its contract file declares (GET implies HEAD). */
const declared: [path: string, methods: string[]][] = [
  ['/healthz', ['GET', 'HEAD']],
  ['/metrics', ['GET', 'HEAD']],
  ['/openapi.json', ['GET', 'HEAD']],
  ['/api/v1', ['GET', 'HEAD']],
  ['/api/v1/tokens', ['GET', 'HEAD', 'POST']],
  [`/api/v1/tokens/${id}`, ['DELETE', 'GET', 'HEAD']],
  ['/api/v1/tenants', ['GET', 'HEAD', 'POST']],
  [`/api/v1/tenants/${id}`, ['GET', 'HEAD']],
  [`/api/v1/tenants/${id}/tokens`, ['POST']],
  [`/api/v1/sections/${id}`, ['DELETE', 'GET', 'HEAD', 'PATCH']],
  ['/api/v1/agent/register', ['POST']],
  [`/api/v1/agent/${id}/heartbeat`, ['POST']],
  ['/api/v1/agents/bulk', ['POST']],
  [`/api/v1/agents/${id}`, ['DELETE', 'GET', 'HEAD', 'PATCH']],
  [`/api/v1/agents/${id}/telemetry/latest`, ['GET', 'HEAD']],
  ['/api/v1/events/stream', ['GET', 'HEAD']],
];
const sorted = (methods: readonly string[]) => [...methods].sort();
/** A method the path does not declare, to provoke the 405. */
const undeclared = (methods: string[]) => ['PUT', 'PATCH', 'DELETE', 'POST', 'GET'].find((m) => !methods.includes(m))!;

describe('allowedMethodsFromTable', () => {
  const allowed = allowedMethodsFromTable();

  it.each(declared)('%s allows exactly %j', (path, methods) => {
    expect(sorted(allowed(path))).toEqual(methods);
  });

  it('is empty for paths the contract does not have', () => {
    expect(allowed('/api/v1/nothing-here')).toEqual([]);
    expect(allowed(`/api/v1/tokens/${id}/extra`)).toEqual([]);
    expect(allowed('/nothing-here')).toEqual([]);
  });
});

describe('405 over HTTP', () => {
  it.each(declared)('%s answers an undeclared method with 405 and Allow: %j', async (path, methods) => {
    const method = undeclared(methods);
    const res = await app.rawRequest(path, { method });
    expect(res.status, `${method} ${path}`).toBe(405);
    expect(sorted((res.headers.get('allow') ?? '').split(', '))).toEqual(methods);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 405, type: 'https://agentry.dev/problems/method-not-allowed' });
  });

  it('a path the contract does not have is 404, whatever the method', async () => {
    for (const method of ['GET', 'PUT']) expect((await app.rawRequest('/api/v1/nothing-here', { method })).status).toBe(404);
  });
});
