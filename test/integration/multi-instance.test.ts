/**
 * Two instances on one database behave as one: a write on B wakes a long poll on A through NATS, and an
 * Idempotency-Key used on A is honoured on B.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const natsUrl = inject('natsUrl');

describe.runIf(natsUrl !== null).each(dialects())('two instances with NATS on %s', (dialect) => {
  let a: Server;
  let b: Server;
  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect);
    a = await startTestServer({ databaseUrl: db.url, config: (c) => (c.nats.url = natsUrl) });
    b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config: (c) => (c.nats.url = natsUrl) });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a commit on B wakes a long poll parked on A within 100 ms', async () => {
    const { data: head } = await a.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
    const offset = head!.nextOffset;
    for (let round = 0; round < 3; round++) {
      const polling = a.client.GET('/api/v1/events', { params: { query: { offset: offset + round, wait: 10 } } }).then((r) => ({ r, at: performance.now() }));
      await new Promise((r) => setTimeout(r, 150));
      const committedAt = await b.client.POST('/api/v1/tokens', { body: { name: `from-b-${round}`, role: 'viewer' } }).then(() => performance.now());
      const { r, at } = await polling;
      expect(r.data!.events.map((e) => e.offset)).toEqual([offset + round + 1]);
      expect(at - committedAt).toBeLessThan(100);
    }
  });

  it('an Idempotency-Key used on A replays on B', async () => {
    const headers = { 'idempotency-key': `multi-${dialect}` };
    const first = await a.client.POST('/api/v1/tokens', { body: { name: 'once', role: 'viewer' }, headers });
    const second = await b.client.POST('/api/v1/tokens', { body: { name: 'once', role: 'viewer' }, headers });
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first.data);
  });

  it('samples posted to both instances go through the shared JetStream consumer and are stored once', async () => {
    const secret = await enrollmentSecret(a.client);
    const agent = await enrollAgent(a.client, secret);
    const base = Date.now() - 60_000;
    const post = (s: Server, from: number) =>
      s.fetch(`/api/v1/agent/${agent.agentId}/inventory`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey },
        body: JSON.stringify({ samples: Array.from({ length: 10 }, (_, i) => ({ metric: 'shared', value: from + i, ts: new Date(base + (from + i) * 1000).toISOString() })) }),
      });
    // The same batch twice (once per instance) plus one more batch: 20 distinct samples.
    const statuses = await Promise.all([post(a, 0), post(b, 0), post(b, 10)].map(async (r) => (await r).status));
    expect(statuses).toEqual([202, 202, 202]);
    const query = { metric: 'shared', from: new Date(base).toISOString(), to: new Date(base + 60_000).toISOString(), step: 3600 };
    const deadline = Date.now() + 5000;
    let stored = 0;
    while (Date.now() < deadline && stored < 20) {
      const { data } = await b.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path: { agentId: agent.agentId }, query } });
      stored = data!.points.reduce((n, p) => n + p.count, 0);
      if (stored < 20) await new Promise((r) => setTimeout(r, 50));
    }
    expect(stored).toBe(20);
  });
});
