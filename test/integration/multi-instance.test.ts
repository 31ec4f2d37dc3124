/**
 * Two instances on one database behave as one: a write on B wakes a long poll on A through NATS, and an
 * Idempotency-Key used on A is honoured on B.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
});
