/**
 * Verified agent keys are cached on every agent route. Two instances on one database with NATS: each action
 * that invalidates a key, committed on B, makes the key fail on B's next request and on A (which had it
 * cached) within the fan-out delay. Without the fan-out (NATS down, or none) a key is trusted only for
 * `agents.keyCacheFallbackSec`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { startNats, type NatsServer } from '../helpers/nats.ts';
import { countRepositoryCalls } from '../helpers/query-counter.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Agent = { agentId: string; apiKey: string };
const natsUrl = inject('natsUrl');

const heartbeat = (s: Server, agent: Agent, key = agent.apiKey) =>
  s.fetch(`/api/v1/agent/${agent.agentId}/heartbeat`, { method: 'POST', headers: { 'x-agent-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(heartbeatBody) });

/** Heartbeats on `s` until one is refused; how long that took (a cache that never learns times out). */
async function msUntilRefused(s: Server, agent: Agent, key = agent.apiKey, limitMs = 3000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const status = (await heartbeat(s, agent, key)).status;
    const ms = performance.now() - start;
    if (status === 401) return ms;
    expect(status).toBe(204);
    if (ms > limitMs) return Infinity;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A heartbeat on `s` answered without any repository call: the key came from the cache (and was coalesced). */
async function expectCached(s: Server, agent: Agent): Promise<void> {
  expect((await heartbeat(s, agent)).status).toBe(204);
  const counter = countRepositoryCalls(s.repos);
  expect((await heartbeat(s, agent)).status).toBe(204);
  counter.restore();
  expect(counter.calls).toEqual([]);
}

describe.runIf(natsUrl !== null).each(dialects())('agent key cache across two instances with NATS on %s', (dialect) => {
  let a: Server;
  let b: Server;
  let secret: string;
  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect);
    const config = (c: Server['config']) => {
      c.nats.url = natsUrl;
      c.agents.keyRotationGraceSec = 1;
    };
    a = await startTestServer({ databaseUrl: db.url, config });
    b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config });
    secret = await enrollmentSecret(a.client);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** An agent both instances have verified and cached. */
  async function cachedAgent(overrides: Record<string, unknown> = {}): Promise<Agent> {
    const agent = await enrollAgent(a.client, secret, overrides);
    await expectCached(a, agent);
    await expectCached(b, agent);
    return agent;
  }

  it('a revocation on B: refused on B at once, on A within the fan-out delay', async () => {
    const agent = await cachedAgent();
    const revoked = await b.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.agentId } } });
    expect(revoked.response.status).toBe(204);
    expect((await heartbeat(b, agent)).status).toBe(401);
    expect(await msUntilRefused(a, agent)).toBeLessThan(1000);
  });

  it('a deletion on B: refused on B at once, on A within the fan-out delay', async () => {
    const agent = await cachedAgent();
    const deleted = await b.client.DELETE('/api/v1/agents/{agentId}', { params: { path: { agentId: agent.agentId } } });
    expect(deleted.response.status).toBe(204);
    expect((await heartbeat(b, agent)).status).toBe(401);
    expect(await msUntilRefused(a, agent)).toBeLessThan(1000);
  });

  it('a re-enrolment through B: the old key refused on B at once, on A within the fan-out delay; the new key works on both', async () => {
    const hardwareId = `hw-${Date.now()}`;
    const agent = await cachedAgent({ hardwareId });
    const again = await enrollAgent(b.client, secret, { hardwareId });
    expect(again.agentId).toBe(agent.agentId);
    expect((await heartbeat(b, agent)).status).toBe(401);
    expect(await msUntilRefused(a, agent)).toBeLessThan(1000);
    expect((await heartbeat(a, again)).status).toBe(204);
    expect((await heartbeat(b, again)).status).toBe(204);
  });

  it('a rotation on B: the old key works through its grace period (1 s) and is then refused on both, though A had it cached', async () => {
    const agent = await cachedAgent();
    const rotated = await b.fetch(`/api/v1/agent/${agent.agentId}/rotate-key`, { method: 'POST', headers: { 'x-agent-api-key': agent.apiKey } });
    expect(rotated.status).toBe(200);
    const { apiKey } = (await rotated.json()) as { apiKey: string };
    const fresh = { agentId: agent.agentId, apiKey };
    expect((await heartbeat(a, fresh)).status).toBe(204);
    expect((await heartbeat(a, agent)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await heartbeat(b, agent)).status).toBe(401);
    expect((await heartbeat(a, agent)).status).toBe(401);
    expect((await heartbeat(a, fresh)).status).toBe(204);
  });

  it('a policy change does not drop cached keys (only key events do)', async () => {
    const agent = await cachedAgent();
    const created = await b.client.POST('/api/v1/policies', { body: { name: 'p', scope: 'tenant', body: { heartbeatIntervalSecs: 45 } } });
    expect(created.response.status).toBe(201);
    await new Promise((r) => setTimeout(r, 100));
    const counter = countRepositoryCalls(a.repos);
    expect((await heartbeat(a, agent)).status).toBe(204);
    counter.restore();
    expect(counter.calls).toEqual([]);
  });
});

describe.runIf(inject('pgUrl') !== null)('agent key cache without the fan-out (Postgres)', () => {
  let nats: NatsServer;
  let a: Server;
  let b: Server;
  let secret: string;
  beforeAll(async () => {
    nats = await startNats();
    const db = await freshDatabaseUrl('postgres');
    const fallback = (c: Server['config']) => {
      c.agents.keyCacheFallbackSec = 1;
    };
    a = await startTestServer({
      databaseUrl: db.url,
      config: (c) => {
        fallback(c);
        c.nats.url = nats.url;
      },
    });
    // B has no NATS: it cannot hear of A's revocations, so it trusts a cached key for 1 s only.
    b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config: fallback });
    secret = await enrollmentSecret(a.client);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await nats?.stop();
  });

  it('an instance without NATS trusts a key for keyCacheFallbackSec: a revocation elsewhere is refused within it', async () => {
    const agent = await enrollAgent(a.client, secret);
    await expectCached(b, agent);
    await a.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.agentId } } });
    const ms = await msUntilRefused(b, agent);
    expect(ms).toBeLessThan(1500);
  });

  it('while NATS is down an instance trusts a key for keyCacheFallbackSec only', async () => {
    const agent = await enrollAgent(a.client, secret);
    await expectCached(a, agent);
    await nats.kill('SIGKILL');
    // A notices the disconnection when its socket closes.
    await new Promise((r) => setTimeout(r, 200));
    await b.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.agentId } } });
    const ms = await msUntilRefused(a, agent);
    expect(ms).toBeLessThan(1500);
    await nats.start();
  });
});
