/**
 * The role matrix, derived from the contract: for every operation that takes operator tokens, each role
 * either may call it (x-roles, and `system` always) or gets 403 — checked for every role on every such
 * operation. Authorization runs before the body is read, so a placeholder request is enough.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationTable, type OperationDescriptor } from '../../generated/operations.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const ROLES = ['viewer', 'operator', 'admin', 'system'] as const;
const operatorOps = (operationTable as readonly OperationDescriptor[]).filter((op) => op.security.some((s) => s.includes('operatorToken')));

let t: TestApp;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestApp();
  tokens.system = t.adminToken;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const res = await t.request('/api/v1/tokens', { method: 'POST', headers: { ...t.auth(t.adminToken), 'content-type': 'application/json' }, body: JSON.stringify({ name: role, role }) });
    tokens[role] = ((await res.json()) as { secret: string }).secret;
  }
});
afterAll(() => t.close());

const allowed = (op: OperationDescriptor, role: string) => role === 'system' || op.roles.length === 0 || (op.roles as readonly string[]).includes(role);

describe('role matrix', () => {
  it('covers every operator operation', () => {
    expect(operatorOps.length).toBeGreaterThan(20);
  });

  // The console signs in with a session cookie that carries the token's role: whatever a token may call, the console may too.
  it('lets the console session call every operator operation', () => {
    expect(operatorOps.filter((op) => !op.security.some((s) => s.includes('sessionCookie'))).map((op) => op.operationId)).toEqual([]);
  });

  describe.each(operatorOps.map((op) => [op.operationId, op] as const))('%s', (_id, op) => {
    it.each(ROLES)(`%s`, async (role) => {
      const path = op.path.replace(/\{[^}]+\}/g, '01a207a2-0000-7000-8000-00000000beef');
      const res = await t.rawRequest(path, {
        method: op.method,
        headers: { ...t.auth(tokens[role]!), ...(op.hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(op.hasBody ? { body: '{}' } : {}),
      });
      if (allowed(op, role)) expect(res.status, `${role} should pass authorization`).not.toBe(403);
      else expect(res.status, `${role} should be refused`).toBe(403);
      expect(res.status).toBeLessThan(500);
    });
  });
});
