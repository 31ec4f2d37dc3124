/**
 * Two instances on one database with NATS: a change committed on B drops the configuration (and the verified
 * key) cached on A, through the event fan-out, so A stops answering 304 for the old document.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { countRepositoryCalls } from '../helpers/query-counter.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const natsUrl = inject('natsUrl');

describe.runIf(natsUrl !== null).each(dialects())('configuration cache across two instances on %s', (dialect) => {
  let a: Server;
  let b: Server;
  let agent: { agentId: string; apiKey: string };
  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect);
    a = await startTestServer({ databaseUrl: db.url, config: (c) => (c.nats.url = natsUrl) });
    b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config: (c) => (c.nats.url = natsUrl) });
    agent = await enrollAgent(a.client, await enrollmentSecret(a.client), { tags: ['web'] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const read = (s: Server, etag?: string) => s.fetch(`/api/v1/agent/${agent.agentId}/configuration`, { headers: { 'x-agent-api-key': agent.apiKey, ...(etag ? { 'if-none-match': etag } : {}) } });

  /** Polls A until it stops answering 304 for `etag`; returns the answer and how long it took. */
  async function untilChanged(etag: string): Promise<{ res: Response; ms: number }> {
    const start = performance.now();
    for (;;) {
      const res = await read(a, etag);
      if (res.status !== 304 || performance.now() - start > 2000) return { res, ms: performance.now() - start };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a policy written on B reaches the agent reading from A (A had it cached and answered 304 without a query)', async () => {
    const etag = (await read(a)).headers.get('etag')!;
    const counter = countRepositoryCalls(a.repos);
    expect((await read(a, etag)).status).toBe(304);
    expect(counter.calls).toEqual([]);
    counter.restore();
    const created = await b.client.POST('/api/v1/policies', { body: { name: 'from b', scope: 'tag', target: 'web', body: { heartbeatIntervalSecs: 77 } } });
    expect(created.response.status).toBe(201);
    const { res, ms } = await untilChanged(etag);
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(1000);
    const doc = (await res.json()) as { server: { heartbeat_interval_secs: number } };
    expect(doc.server.heartbeat_interval_secs).toBe(77);
    expect(res.headers.get('etag')).toBe((await read(b)).headers.get('etag'));
  });

  it('an agent edited on B (tags) changes what A serves', async () => {
    const etag = (await read(a)).headers.get('etag')!;
    expect((await read(a, etag)).status).toBe(304);
    await b.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: agent.agentId } }, body: { tags: ['db'] } });
    const { res } = await untilChanged(etag);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { tags: string[] }).tags).toEqual(['db']);
  });

  it('a key revoked on B stops working on A, whose route had it cached', async () => {
    const etag = (await read(a)).headers.get('etag')!;
    expect((await read(a, etag)).status).toBe(304);
    await b.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.agentId } } });
    const { res, ms } = await untilChanged(etag);
    expect(res.status).toBe(401);
    expect(ms).toBeLessThan(1000);
  });
});
