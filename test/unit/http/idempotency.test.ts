/** A server error releases the key, so the client's retry with the same key runs again. */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.ts';

let calls = 0;
const t = await createTestApp({
  handlerOverrides: {
    createToken: ({ body }, res) => {
      calls++;
      if (calls === 1) throw new Error('database went away');
      return res.json(201, {
        token: {
          id: '01a207a2-0000-7000-8000-000000000001',
          tenantId: '01a207a2-0000-7000-8000-000000000002',
          name: body.name,
          prefix: 'opk_abcdef',
          role: body.role,
          createdAt: new Date(0).toISOString(),
          lastUsedAt: null,
          expiresAt: null,
          revokedAt: null,
        },
        secret: `opk_${'a'.repeat(43)}`,
      });
    },
  },
});
afterAll(() => t.close());

describe('Idempotency-Key and failures', () => {
  it('a 5xx is not stored: the retry runs the operation again', async () => {
    const init = () => ({ method: 'POST', headers: { ...t.auth(t.adminToken), 'content-type': 'application/json', 'idempotency-key': 'retry-me' }, body: JSON.stringify({ name: 'x', role: 'viewer' }) });
    const failed = await t.rawRequest('/api/v1/tokens', init());
    expect(failed.status).toBe(500);
    const retried = await t.request('/api/v1/tokens', init());
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await t.request('/api/v1/tokens', init());
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(calls).toBe(2);
    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toMatch(/idempotent_replays_total 1/);
  });
});
