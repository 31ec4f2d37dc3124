/** Every operation in the contract is routed, and every route of the app is in the contract. */
import { afterAll, describe, expect, it } from 'vitest';
import { operationTable } from '../../generated/operations.ts';
import { createTestApp } from '../helpers/app.ts';
import { findOperation } from '../helpers/contract.ts';
import document from '../../generated/openapi.json' with { type: 'json' };

const t = await createTestApp();
afterAll(() => t.close());

const toHono = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');
const routes = t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);

describe('routing follows the contract', () => {
  it('the operation table lists every operation of the document, once', () => {
    const fromDocument = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const fromTable = operationTable.map((o) => `${o.method} ${o.path}`);
    expect(new Set(fromTable)).toEqual(new Set(fromDocument));
    expect(new Set(operationTable.map((o) => o.operationId)).size).toBe(operationTable.length);
  });

  it.each(operationTable.map((o) => [o.operationId, o] as const))('%s is registered on the router', (_id, op) => {
    expect(routes).toContain(`${op.method} ${toHono(op.path)}`);
  });

  it('every registered route is an operation of the contract', () => {
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const concrete = path.replace(/:[^/]+/g, '00000000-0000-7000-8000-000000000000');
      expect(findOperation(method, concrete), route).toBeDefined();
    }
  });

  it.each(operationTable.map((o) => [o.operationId, o] as const))('%s answers from its route, not 404/405', async (_id, op) => {
    const path = op.path.replace(/\{[^}]+\}/g, '00000000-0000-7000-8000-000000000000');
    const res = await t.rawRequest(path, { method: op.method, headers: t.auth(t.adminToken) });
    expect(res.status).not.toBe(405);
    if (res.status === 404) expect(await res.text()).not.toContain('no route');
  });
});
