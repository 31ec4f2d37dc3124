/**
 * A database that is briefly unreachable is "unavailable, retry later", on every kind of route: 503 with
 * Retry-After and the stable `unavailable` problem type, never a 500; the failing queries are logged
 * without their parameters (the agent key's hash among them); and when the database returns, the pool
 * reconnects by itself and readiness is back within 5 s.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hashSecret } from '../../src/services/secrets.ts';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { startPostgresCluster } from '../helpers/postgres.ts';
import { startTestServer } from '../helpers/server.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.runIf(inject('pgUrl') !== null)('Postgres unreachable', () => {
  it('answers 503 + Retry-After on operator, agent and ingest routes, logs no parameters, and recovers', async () => {
    // Durable commits: the crash below must not take the enrolled agent with it.
    const cluster = await startPostgresCluster({ durable: true });
    cleanups.push(() => cluster.stop());
    const s = await startTestServer({ databaseUrl: cluster.url, config: (c) => (c.rateLimits.enabled = false) });
    cleanups.push(() => s.close());
    const secret = await enrollmentSecret(s.client);
    const { agentId, apiKey } = await enrollAgent(s.client, secret);
    // Not used before the outage: its key is not cached, so its first request needs the database.
    const fresh = await enrollAgent(s.client, secret);
    const admin = { authorization: `Bearer ${s.adminToken}` };
    const agent = { 'x-agent-api-key': apiKey, 'content-type': 'application/json' };
    const requests = {
      listAgents: () => fetch(`${s.url}/api/v1/agents`, { headers: admin }),
      createSection: () => fetch(`${s.url}/api/v1/sections`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `s-${Math.random()}` }) }),
      heartbeat: () => fetch(`${s.url}/api/v1/agent/${agentId}/heartbeat`, { method: 'POST', headers: agent, body: JSON.stringify(heartbeatBody) }),
      ingest: () => fetch(`${s.url}/api/v1/agent/${agentId}/inventory`, { method: 'POST', headers: agent, body: JSON.stringify({ samples: [{ metric: 'm', value: 1, ts: new Date().toISOString() }] }) }),
    };
    for (const [name, send] of Object.entries(requests)) expect((await send()).status, name).toBeLessThan(300);
    const freshHeartbeat = () =>
      fetch(`${s.url}/api/v1/agent/${fresh.agentId}/heartbeat`, { method: 'POST', headers: { 'x-agent-api-key': fresh.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(heartbeatBody) });

    cluster.halt();
    // A heartbeat with a key verified before (cached) and last-seen written just now needs no database: 204.
    expect((await requests.heartbeat()).status).toBe(204);
    for (const [name, send] of Object.entries({ ...requests, heartbeat: freshHeartbeat })) {
      const res = await send();
      expect(res.status, name).toBe(503);
      expect(res.headers.get('retry-after'), name).toMatch(/^\d+$/);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { type: string }).type).toBe('https://agentry.dev/problems/unavailable');
    }
    expect(s.logs.text()).not.toContain(hashSecret(apiKey));
    expect(s.logs.text()).not.toContain(hashSecret(fresh.apiKey));
    expect(s.logs.text()).not.toContain('unhandled error');

    cluster.start();
    const back = performance.now();
    let ready = 0;
    while (ready !== 200 && performance.now() - back < 5000) {
      ready = (await fetch(`${s.url}/healthz/ready`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    for (const [name, send] of Object.entries({ ...requests, freshHeartbeat })) expect((await send()).status, name).toBeLessThan(300);
  });
});
