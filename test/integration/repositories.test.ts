/** One repository contract suite, run unchanged on SQLite and on a real Postgres. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/repositories/types.ts';
import { auditRow, tenantRow, tokenRow } from '../factories/tenants.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('repositories on %s', (dialect) => {
  const suite = useRepositories(dialect);
  let repos: Repositories;
  beforeAll(() => {
    repos = suite.repos;
  });

  it('migrates on open and pings', async () => {
    expect(repos.dialect).toBe(dialect);
    await expect(repos.ping()).resolves.toBeUndefined();
  });

  it('bootstraps exactly once, even when raced', async () => {
    const attempts = await Promise.all(
      [0, 1, 2].map(() => {
        const t = tenantRow({ name: 'default' });
        return repos.tenants.bootstrap(t, tokenRow(t.id, { role: 'system' }), { audit: auditRow(t.id) });
      }),
    );
    expect(attempts.filter((a) => a.kind === 'done')).toHaveLength(1);
    expect(attempts.filter((a) => a.kind === 'already_done')).toHaveLength(2);
    expect(await repos.tenants.findByName('default')).not.toBeNull();
  });

  it('stores tokens with their hash, finds them by hash, scoped by tenant', async () => {
    const a = tenantRow();
    const b = tenantRow();
    await repos.tenants.create(a, { audit: auditRow(a.id) });
    await repos.tenants.create(b, { audit: auditRow(b.id) });
    const { secret: _s, ...token } = tokenRow(a.id, { expiresAt: new Date('2031-01-01T00:00:00.123Z') });
    await repos.operatorTokens.create(token, { audit: auditRow(a.id, { action: 'token.create' }) });
    expect(await repos.operatorTokens.findByHash(token.secretHash)).toEqual(token);
    const found = await repos.operatorTokens.findById(a.id, token.id);
    expect(found).toEqual(token);
    expect(found?.expiresAt?.toISOString()).toBe('2031-01-01T00:00:00.123Z');
    expect(await repos.operatorTokens.findById(b.id, token.id)).toBeNull();
    expect(await repos.operatorTokens.findByHash('0'.repeat(64))).toBeNull();
  });

  it('rejects a duplicate secret hash', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, { audit: auditRow(t.id) });
    await expect(repos.operatorTokens.create({ ...token, id: tokenRow(t.id).id }, { audit: auditRow(t.id) })).rejects.toThrow();
  });

  it('a token write that fails writes none of its effects; one that succeeds commits and announces its events', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const { secret: _s, ...token } = tokenRow(t.id);
    const event = (id: string) => ({ tenantId: t.id, type: 'token_created' as const, resourceType: 'token', resourceId: id, data: { n: 1 }, createdAt: new Date() });
    const announced: number[] = [];
    repos.onEventsCommitted((committed) => {
      for (const c of committed) if (c.tenantId === t.id) announced.push(c.lastOffset);
    });
    await repos.operatorTokens.create(token, { audit: auditRow(t.id, { action: 'token.create' }), events: [event(token.id)] });
    const again = { ...token, id: tokenRow(t.id).id };
    await expect(repos.operatorTokens.create(again, { audit: auditRow(t.id, { action: 'token.create' }), events: [event(again.id)] })).rejects.toThrow();
    expect((await repos.audit.list(t.id, { action: 'token.create' }, { limit: 10 })).items).toHaveLength(1);
    expect((await repos.events.list(t.id, 0, 10)).events.map((e) => [e.offset, e.resourceId])).toEqual([[1, token.id]]);
    expect(announced).toEqual([1]);
    const { secret: _t, ...third } = tokenRow(t.id);
    await repos.operatorTokens.create(third, { events: [event(third.id), { ...event(third.id), resourceId: null }] });
    expect((await repos.events.list(t.id, 0, 10)).events.map((e) => [e.offset, e.resourceId])).toEqual([
      [1, token.id],
      [2, third.id],
      [3, null],
    ]);
    expect(announced).toEqual([1, 3]);
  });

  it('pages tokens in id order with a stable cursor and hides revoked ones unless asked', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { secret: _s, ...token } = tokenRow(t.id, { name: `t${i}` });
      await repos.operatorTokens.create(token, { audit: auditRow(t.id) });
      ids.push(token.id);
    }
    const first = await repos.operatorTokens.list(t.id, { limit: 2 }, false);
    expect(first.items.map((x) => x.id)).toEqual(ids.slice(0, 2));
    expect(first.lastId).toBe(ids[1]);
    const second = await repos.operatorTokens.list(t.id, { limit: 2, afterId: first.lastId! }, false);
    expect(second.items.map((x) => x.id)).toEqual(ids.slice(2, 4));
    const last = await repos.operatorTokens.list(t.id, { limit: 2, afterId: second.lastId! }, false);
    expect(last.items.map((x) => x.id)).toEqual(ids.slice(4));
    expect(last.lastId).toBeNull();

    const revoked = await repos.operatorTokens.revoke(t.id, ids[0]!, new Date(), { audit: auditRow(t.id, { action: 'token.revoke' }) });
    expect(revoked.kind === 'done' && revoked.value.revokedAt).toBeInstanceOf(Date);
    expect((await repos.operatorTokens.list(t.id, { limit: 10 }, false)).items).toHaveLength(4);
    expect((await repos.operatorTokens.list(t.id, { limit: 10 }, true)).items).toHaveLength(5);
  });

  it('revokes idempotently, writes one audit row, and never across tenants', async () => {
    const t = tenantRow();
    const other = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    await repos.tenants.create(other, { audit: auditRow(other.id) });
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, { audit: auditRow(t.id) });
    expect(await repos.operatorTokens.revoke(other.id, token.id, new Date(), { audit: auditRow(other.id) })).toEqual({ kind: 'not_found' });
    const at = new Date('2030-05-05T05:05:05.005Z');
    await repos.operatorTokens.revoke(t.id, token.id, at, { audit: auditRow(t.id, { action: 'token.revoke', resourceId: token.id }) });
    const again = await repos.operatorTokens.revoke(t.id, token.id, new Date(), { audit: auditRow(t.id, { action: 'token.revoke', resourceId: token.id }) });
    expect(again.kind === 'done' && again.value.revokedAt?.toISOString()).toBe(at.toISOString());
    const audit = await repos.audit.list(t.id, { action: 'token.revoke' }, { limit: 10 });
    expect(audit.items).toHaveLength(1);
  });

  it('records last use', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, { audit: auditRow(t.id) });
    const at = new Date('2030-01-01T00:00:00.000Z');
    await repos.operatorTokens.touchLastUsed(token.id, at);
    expect((await repos.operatorTokens.findById(t.id, token.id))?.lastUsedAt?.toISOString()).toBe(at.toISOString());
  });

  it('lists audit entries newest first with filters and a cursor, per tenant', async () => {
    const t = tenantRow();
    const other = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id, { action: 'tenant.create' }) });
    await repos.tenants.create(other, { audit: auditRow(other.id, { action: 'tenant.create' }) });
    const base = Date.parse('2030-01-01T00:00:00Z');
    const rows = Array.from({ length: 5 }, (_, i) =>
      auditRow(t.id, {
        action: i % 2 ? 'x.update' : 'x.create',
        resourceType: 'x',
        resourceId: `r${i}`,
        actorId: 'actor',
        createdAt: new Date(base + i * 1000),
        before: { n: i },
        after: { n: i + 1, nested: { ok: true } },
      }),
    );
    for (const row of rows) {
      const { secret: _s, ...token } = tokenRow(t.id);
      await repos.operatorTokens.create(token, { audit: row });
    }
    const all = await repos.audit.list(t.id, { resourceType: 'x' }, { limit: 3 });
    expect(all.items.map((e) => e.resourceId)).toEqual(['r4', 'r3', 'r2']);
    expect(all.items[0]?.after).toEqual({ n: 5, nested: { ok: true } });
    const rest = await repos.audit.list(t.id, { resourceType: 'x' }, { limit: 3, afterId: all.lastId! });
    expect(rest.items.map((e) => e.resourceId)).toEqual(['r1', 'r0']);
    expect((await repos.audit.list(t.id, { action: 'x.update' }, { limit: 10 })).items).toHaveLength(2);
    expect((await repos.audit.list(t.id, { resourceType: 'x', since: new Date(base + 1000), until: new Date(base + 3000) }, { limit: 10 })).items.map((e) => e.resourceId)).toEqual(['r2', 'r1']);
    expect((await repos.audit.list(other.id, { resourceType: 'x' }, { limit: 10 })).items).toHaveLength(0);
  });
  it('assigns consecutive per-tenant event offsets in the writing transaction, and tells listeners after commit', async () => {
    const t = tenantRow();
    const heard: { tenantId: string; lastOffset: number; count: number; types?: readonly string[] }[] = [];
    repos.onEventsCommitted((c) => heard.push(...c.filter((x) => x.tenantId === t.id)));
    const ev = (type: 'tenant_created' | 'token_created') => ({ tenantId: t.id, type, resourceType: 'x', resourceId: null, data: { n: 1 }, createdAt: new Date() });
    await repos.tenants.create(t, { audit: auditRow(t.id), events: [ev('tenant_created')] });
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, { events: [ev('token_created'), ev('token_created')] });
    expect(heard).toEqual([
      { tenantId: t.id, lastOffset: 1, count: 1, types: ['tenant_created'] },
      { tenantId: t.id, lastOffset: 3, count: 2, types: ['token_created'] },
    ]);
    const page = await repos.events.list(t.id, 0, 10);
    expect(page.events.map((e) => [e.offset, e.type])).toEqual([
      [1, 'tenant_created'],
      [2, 'token_created'],
      [3, 'token_created'],
    ]);
    expect(page.events[0]!.data).toEqual({ n: 1 });
    expect((await repos.events.list(t.id, 1, 10, ['tenant_created'])).events).toHaveLength(0);
    expect(await repos.events.bounds(t.id)).toEqual({ oldest: 1, latest: 3 });
  });

  it('writes no event when the transaction fails', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, {});
    const ev = { tenantId: t.id, type: 'token_created' as const, resourceType: 'token', resourceId: token.id, data: {}, createdAt: new Date() };
    await expect(repos.operatorTokens.create(token, { events: [ev] })).rejects.toThrow(); // duplicate id
    expect(await repos.events.bounds(t.id)).toEqual({ oldest: null, latest: 0 });
  });

  it('keeps offsets gap-free under concurrent writers', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    await Promise.all(
      Array.from({ length: 20 }, () => {
        const { secret: _s, ...token } = tokenRow(t.id);
        return repos.operatorTokens.create(token, { events: [{ tenantId: t.id, type: 'token_created', resourceType: 'token', resourceId: token.id, data: {}, createdAt: new Date() }] });
      }),
    );
    const page = await repos.events.list(t.id, 0, 100);
    expect(page.events.map((e) => e.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('prunes events by age and by count per tenant', async () => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    const old = new Date('2020-01-01T00:00:00Z');
    const events = Array.from({ length: 5 }, (_, i) => ({ tenantId: t.id, type: 'token_created' as const, resourceType: 'token', resourceId: null, data: {}, createdAt: i < 2 ? old : new Date() }));
    const { secret: _s, ...token } = tokenRow(t.id);
    await repos.operatorTokens.create(token, { events });
    await repos.events.prune(new Date('2021-01-01T00:00:00Z'), 1_000_000);
    expect(await repos.events.bounds(t.id)).toEqual({ oldest: 3, latest: 5 });
    await repos.events.prune(new Date(0), 1);
    expect(await repos.events.bounds(t.id)).toEqual({ oldest: 5, latest: 5 });
  });

  it('idempotency claims: claim once, replay when completed, mismatch on another body, take over expired or abandoned claims', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const later = (ms: number) => new Date(now.getTime() + ms);
    const claim = { scope: 'operator:x', key: `k-${dialect}`, operationId: 'createToken', requestHash: 'h1', lockedUntil: later(1000), expiresAt: later(60_000) };
    expect(await repos.idempotency.claim(claim, now)).toEqual({ kind: 'claimed' });
    expect(await repos.idempotency.claim(claim, later(10))).toEqual({ kind: 'in_progress' });
    expect(await repos.idempotency.claim({ ...claim, requestHash: 'h2' }, later(10))).toEqual({ kind: 'mismatch' });
    // The holder died: after lockedUntil the claim is taken over.
    expect(await repos.idempotency.claim({ ...claim, lockedUntil: later(5000) }, later(2000))).toEqual({ kind: 'claimed' });
    await repos.idempotency.complete(claim.scope, claim.key, { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    expect(await repos.idempotency.claim(claim, later(3000))).toEqual({ kind: 'replay', response: { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' } });
    // Expired: a new request with the key starts afresh.
    expect(await repos.idempotency.claim({ ...claim, requestHash: 'h3', expiresAt: later(200_000) }, later(61_000))).toEqual({ kind: 'claimed' });
    await repos.idempotency.release(claim.scope, claim.key);
    expect(await repos.idempotency.claim(claim, later(62_000))).toEqual({ kind: 'claimed' });
    expect(await repos.idempotency.prune(later(10 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await repos.idempotency.claim(claim, later(11 * 60_000))).toEqual({ kind: 'claimed' });
  });

  it('idempotency claims race: exactly one claimant wins', async () => {
    const now = new Date();
    const claim = { scope: 'operator:race', key: `race-${dialect}`, operationId: 'createToken', requestHash: 'h', lockedUntil: new Date(now.getTime() + 60_000), expiresAt: new Date(now.getTime() + 3_600_000) };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => repos.idempotency.claim(claim, now)));
    expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in_progress')).toHaveLength(9);
  });
});
