/** The event feed over real HTTP: offsets, filters, long-poll wake-ups, retention (410), SSE resume. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { sseReader } from '../helpers/events.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe.each(dialects())('event feed on %s', (dialect) => {
  let s: Server;
  beforeAll(async () => {
    s = await startTestServer({ dialect, config: (c) => (c.events.sseHeartbeatSec = 1) });
  });
  afterAll(() => s.close());

  const latest = async () => {
    let offset = 0;
    for (;;) {
      const { data } = await s.client.GET('/api/v1/events', { params: { query: { offset, limit: 1000 } } });
      offset = data!.nextOffset;
      if (!data!.hasMore) return offset;
    }
  };
  const createToken = (name: string) => s.client.POST('/api/v1/tokens', { body: { name, role: 'viewer' } });

  it('records changes with consecutive offsets, in the same transaction as the change', async () => {
    const start = await latest();
    const { data: a } = await createToken('ev-a');
    await s.client.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: a!.token.id } } });
    const { data } = await s.client.GET('/api/v1/events', { params: { query: { offset: start } } });
    expect(data!.events.map((e) => [e.offset, e.type, e.resourceId])).toEqual([
      [start + 1, 'token_created', a!.token.id],
      [start + 2, 'token_revoked', a!.token.id],
    ]);
    expect(data!.events[0]!.data).toMatchObject({ name: 'ev-a', role: 'viewer' });
    expect(JSON.stringify(data)).not.toContain(a!.secret);
    expect(data!.nextOffset).toBe(start + 2);
    expect(data!.hasMore).toBe(false);
  });

  it('pages with limit/hasMore and filters by type', async () => {
    const start = await latest();
    for (let i = 0; i < 3; i++) await createToken(`page-${i}`);
    const first = await s.client.GET('/api/v1/events', { params: { query: { offset: start, limit: 2 } } });
    expect(first.data!.events).toHaveLength(2);
    expect(first.data!.hasMore).toBe(true);
    const rest = await s.client.GET('/api/v1/events', { params: { query: { offset: first.data!.nextOffset, limit: 2 } } });
    expect(rest.data!.events.map((e) => e.offset)).toEqual([start + 3]);
    const raw = await s.fetch(`/api/v1/events?offset=0&types=token_revoked,tenant_created&limit=1000`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    const filtered = (await raw.json()) as { events: { type: string }[] };
    expect(new Set(filtered.events.map((e) => e.type))).toEqual(new Set(['tenant_created', 'token_revoked']));
  });

  it('long poll wakes within 100 ms of a commit and times out with an empty page', async () => {
    const start = await latest();
    const polling = s.client.GET('/api/v1/events', { params: { query: { offset: start, wait: 10 } } }).then((r) => ({ r, at: performance.now() }));
    await new Promise((r) => setTimeout(r, 200));
    const committedAt = await createToken('wake').then(() => performance.now());
    const { r, at } = await polling;
    expect(r.data!.events[0]!.type).toBe('token_created');
    expect(at - committedAt).toBeLessThan(100);

    const t0 = performance.now();
    const empty = await s.client.GET('/api/v1/events', { params: { query: { offset: start + 1, wait: 1 } } });
    expect(empty.data).toEqual({ events: [], nextOffset: start + 1, hasMore: false });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('keeps tenants apart: each has its own offsets', async () => {
    const b = await tenantWithToken(s.repos, 'viewer');
    const { data } = await s.clientFor(b.secret).GET('/api/v1/events', { params: { query: {} } });
    expect(data!.events.map((e) => e.offset)).toEqual([1]);
    expect(data!.events[0]!.type).toBe('token_created');
  });

  it('rejects bad offsets and parameters', async () => {
    const past = await s.client.GET('/api/v1/events', { params: { query: { offset: 1_000_000 } } });
    expect(past.response.status).toBe(400);
    const bad = await s.fetch('/api/v1/events?wait=61&types=NOT-A-TYPE', { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(['query/types/0', 'query/wait']);
  });

  it('streams with SSE, heartbeats, and resumes from Last-Event-ID without losing or repeating events', async () => {
    const start = await latest();
    const headers = { authorization: `Bearer ${s.adminToken}` };
    const res = await s.fetch(`/api/v1/events/stream?offset=${start}`, { headers });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const first = sseReader(res);
    await createToken('sse-1');
    await createToken('sse-2');
    await first.until((f) => f.filter((x) => x.id).length === 2);
    await first.until((f) => f.some((x) => x.comment === 'heartbeat'), 3000);
    const lastSeen = first.frames.filter((x) => x.id).at(-1)!.id!;
    await first.cancel();
    // Written while disconnected:
    await createToken('sse-3');
    await createToken('sse-4');
    const again = sseReader(await s.fetch('/api/v1/events/stream', { headers: { ...headers, 'last-event-id': lastSeen } }));
    await createToken('sse-5');
    await again.until((f) => f.filter((x) => x.id).length === 3);
    const ids = [...first.frames, ...again.frames].filter((x) => x.id).map((x) => Number(x.id));
    expect(ids).toEqual([start + 1, start + 2, start + 3, start + 4, start + 5]);
    const names = again.frames.filter((x) => x.data).map((x) => (JSON.parse(x.data!) as { data: { name: string } }).data.name);
    expect(names).toEqual(['sse-3', 'sse-4', 'sse-5']);
    await again.cancel();
  });
});

describe('retention', () => {
  it('an offset older than what is kept answers 410 with the oldest offset, for long poll and stream', async () => {
    const s = await startTestServer();
    try {
      for (let i = 0; i < 6; i++) await s.client.POST('/api/v1/tokens', { body: { name: `r${i}`, role: 'viewer' } });
      // 7 events (tenant_created + 6); keep the newest 3.
      expect(await s.repos.events.prune(new Date(0), 3)).toBe(4);
      const gone = await s.client.GET('/api/v1/events', { params: { query: { offset: 0 } } });
      expect(gone.response.status).toBe(410);
      expect(gone.error).toMatchObject({ status: 410, oldestOffset: 5 });
      const ok = await s.client.GET('/api/v1/events', { params: { query: { offset: 4 } } });
      expect(ok.data!.events.map((e) => e.offset)).toEqual([5, 6, 7]);
      const stream = await s.fetch('/api/v1/events/stream', { headers: { authorization: `Bearer ${s.adminToken}`, 'last-event-id': '2' } });
      expect(stream.status).toBe(410);
    } finally {
      await s.close();
    }
  });
});

describe('shutdown', () => {
  it('ends event streams and parked long polls so the server can stop', async () => {
    const s = await startTestServer();
    const headers = { authorization: `Bearer ${s.adminToken}` };
    const stream = sseReader(await fetch(`${s.url}/api/v1/events/stream`, { headers }));
    await stream.until((f) => f.length > 0);
    const poll = fetch(`${s.url}/api/v1/events?offset=1&wait=30`, { headers }).then((r) => r.json() as Promise<{ events: unknown[] }>);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await poll).events).toEqual([]);
    await stream.done;
    expect(stream.ended).toBe(true);
  });
});
