/**
 * GET /api/v1/admin/stats: the system summary for people, on both dialects and with NATS, every response
 * validated against the contract by the test client; system tokens only.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const unique = (base: string) => `${base}-${Math.random().toString(36).slice(2, 10)}`;

describe.each(dialects())('getAdminStats (%s)', (dialect) => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  let otherTenant: { id: string; adminToken: string };
  let defaultAdmin: string;
  let agentKey: string;
  beforeAll(async () => {
    t = await startTestServer({ dialect, config: (c) => (c.agents.heartbeatWriteIntervalSec = 0) });
    // The default tenant (the system token's): one agent online, one offline, one revoked.
    const secret = await enrollmentSecret(t.client);
    const [online, offline, revoked] = [await enrollAgent(t.client, secret), await enrollAgent(t.client, secret), await enrollAgent(t.client, secret)];
    agentKey = offline.apiKey;
    const beat = await fetch(`${t.url}/api/v1/agent/${online.agentId}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agent-api-key': online.apiKey },
      body: JSON.stringify(heartbeatBody),
    });
    expect(beat.status).toBe(204);
    expect((await t.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: revoked.agentId } } })).response.status).toBe(204);
    // Another tenant with one agent, and its admin.
    const tenant = (await t.client.POST('/api/v1/tenants', { body: { name: unique('stats') } })).data!;
    const admin = (await t.client.POST('/api/v1/tenants/{tenantId}/tokens', { params: { path: { tenantId: tenant.id } }, body: { name: 'admin', role: 'admin' } })).data!;
    otherTenant = { id: tenant.id, adminToken: admin.secret };
    const theirs = t.clientFor(admin.secret);
    await enrollAgent(theirs, await enrollmentSecret(theirs));
    defaultAdmin = (await t.client.POST('/api/v1/tokens', { body: { name: 'default admin', role: 'admin' } })).data!.secret;
  });
  afterAll(() => t.close());

  describe('happy path', () => {
    it('summarises every tenant, the instance, the pool and the telemetry store', async () => {
      const { data, response } = await t.client.GET('/api/v1/admin/stats');
      expect(response.status).toBe(200);
      const stats = data!;
      const mine = stats.tenants.find((x) => x.name === 'default')!;
      const theirs = stats.tenants.find((x) => x.tenantId === otherTenant.id)!;
      expect(mine.agents).toEqual({ online: 1, offline: 1, revoked: 1 });
      expect(theirs.agents).toEqual({ online: 0, offline: 1, revoked: 0 });
      // Enrolments, a heartbeat and a revocation each published events in their tenant.
      expect(mine.eventsPublished).toBeGreaterThanOrEqual(5);
      expect(theirs.eventsPublished).toBeGreaterThanOrEqual(1);
      expect(stats.agents).toEqual({ online: 1, offline: 2, revoked: 1 });
      expect(stats.events.published).toBe(stats.tenants.reduce((n, x) => n + x.eventsPublished, 0));
      // This instance published all but what bootstrap wrote before the feed started.
      expect(stats.events.publishedByInstance).toBeGreaterThan(0);
      expect(stats.events.publishedByInstance).toBeLessThanOrEqual(stats.events.published);
      expect(stats.commands.executions).toEqual({ pending: 0, delivered: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, expired: 0, cancelled: 0, skipped: 0 });
      expect(stats.instance.nats).toBe(false);
      expect(stats.ingest).toEqual({ queueDepth: 0, stream: null });
      expect(stats.database.dialect).toBe(dialect);
      expect(stats.database.poolWaiting).toBe(0);
      expect(stats.telemetry.storage).toEqual(dialect === 'sqlite' ? 'table' : expect.stringMatching(/^(partitions|timescaledb)$/));
      if (dialect === 'postgres') expect(stats.telemetry.partitions).toBeGreaterThan(0);
    });
  });

  describe('security', () => {
    it('answers 401 without credentials and to an agent key', async () => {
      expect((await t.fetch('/api/v1/admin/stats')).status).toBe(401);
      expect((await t.fetch('/api/v1/admin/stats', { headers: { 'x-agent-api-key': agentKey } })).status).toBe(401);
    });

    it('refuses tenant admins, of the default tenant or another, with 403', async () => {
      expect((await t.fetch('/api/v1/admin/stats', { headers: { authorization: `Bearer ${defaultAdmin}` } })).status).toBe(403);
      expect((await t.fetch('/api/v1/admin/stats', { headers: { authorization: `Bearer ${otherTenant.adminToken}` } })).status).toBe(403);
    });
  });
});

describe.runIf(inject('pgUrl') !== null && inject('natsUrl') !== null)('getAdminStats with NATS', () => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const natsUrl = inject('natsUrl')!;
    t = await startTestServer({ dialect: 'postgres', config: (c) => (c.nats.url = natsUrl) });
  });
  afterAll(() => t.close());

  it("reports the JetStream consumer's backlog", async () => {
    const { data, response } = await t.client.GET('/api/v1/admin/stats');
    expect(response.status).toBe(200);
    expect(data!.instance.nats).toBe(true);
    expect(data!.ingest.stream).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
    expect(data!.ingest.queueDepth).toBe(0);
  });
});
