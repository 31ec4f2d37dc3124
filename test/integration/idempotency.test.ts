/** Idempotency-Key on creating POSTs, over real HTTP on SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe.each(dialects())('Idempotency-Key on %s', (dialect) => {
  let s: Server;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
  });
  afterAll(() => s.close());

  const create = (name: string, key?: string, token = s.adminToken) => s.clientFor(token).POST('/api/v1/tokens', { body: { name, role: 'viewer' }, headers: key ? { 'idempotency-key': key } : {} });
  const countNamed = async (name: string) => {
    const { data } = await s.client.GET('/api/v1/tokens', { params: { query: { limit: 1000 } } });
    return data!.items.filter((t) => t.name === name).length;
  };

  it('replays the first response for the same key and body, creating once', async () => {
    const first = await create('idem-a', 'key-a');
    const again = await create('idem-a', 'key-a');
    expect(first.response.status).toBe(201);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.response.headers.get('location')).toBe(first.response.headers.get('location'));
    expect(again.data).toEqual(first.data);
    expect(await countNamed('idem-a')).toBe(1);
  });

  it('answers 422 when the key comes back with another body', async () => {
    await create('idem-b', 'key-b');
    const other = await create('idem-b-changed', 'key-b');
    expect(other.response.status).toBe(422);
    expect(other.error).toMatchObject({ type: 'https://agentry.dev/problems/idempotency-key-reused' });
    expect(await countNamed('idem-b-changed')).toBe(0);
  });

  it('concurrent duplicates create exactly once; the others replay or are told it is in progress', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => create('idem-race', 'key-race')));
    const statuses = results.map((r) => r.response.status);
    expect(statuses.every((st) => st === 201 || st === 409)).toBe(true);
    const created = results.filter((r) => r.response.status === 201 && r.response.headers.get('idempotent-replayed') === null);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => x.response.status === 409)) expect(r.response.headers.get('retry-after')).toBe('1');
    expect(await countNamed('idem-race')).toBe(1);
    const after = await create('idem-race', 'key-race');
    expect(after.response.headers.get('idempotent-replayed')).toBe('true');
    expect(after.data!.token.id).toBe(created[0]!.data!.token.id);
  });

  it('keys belong to the caller: another token with the same key creates its own', async () => {
    const { data: other } = await s.client.POST('/api/v1/tokens', { body: { name: 'second admin', role: 'admin' } });
    await create('idem-c', 'key-c');
    const theirs = await create('idem-c', 'key-c', other!.secret);
    expect(theirs.response.headers.get('idempotent-replayed')).toBeNull();
    expect(await countNamed('idem-c')).toBe(2);
  });

  it('does not record requests that failed validation', async () => {
    const bad = await s.fetch('/api/v1/tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json', 'idempotency-key': 'key-d' },
      body: JSON.stringify({ name: '', role: 'viewer' }),
    });
    expect(bad.status).toBe(400);
    const good = await create('idem-d', 'key-d');
    expect(good.response.status).toBe(201);
    expect(good.response.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects an over-long key', async () => {
    const res = await create('idem-e', 'k'.repeat(256));
    expect(res.response.status).toBe(400);
  });
});
