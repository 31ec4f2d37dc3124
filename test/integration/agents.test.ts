/** Agent lifecycle over real HTTP: enrollment, keys, heartbeats and offline detection, fleet management. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe.each(dialects())('agents on %s', (dialect) => {
  let s: Server;
  let secret: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect, config: (c) => Object.assign(c.agents, { keyRotationGraceSec: 1, heartbeatWriteIntervalSec: 30 }) });
    secret = await enrollmentSecret(s.client);
  });
  afterAll(() => s.close());

  const asAgent = (key: string) => s.clientFor(key);
  const heartbeat = (id: string, key: string, header = true) =>
    s.fetch(`/api/v1/agent/${id}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { 'x-agent-api-key': key } : { authorization: `Bearer ${key}` }) },
      body: JSON.stringify(heartbeatBody),
    });

  describe('enrollment', () => {
    it('returns id, key, negotiated capabilities; the key works as header and as bearer', async () => {
      const e = await enrollAgent(s.client, secret, { tags: ['prod', 'eu'] });
      expect(e.apiKey).toMatch(/^agk_[0-9A-Za-z]{43}$/);
      expect(e.acceptedCapabilities).toEqual(['heartbeat', 'inventory']);
      expect(e.configurationUrl).toBe(`/api/v1/agent/${e.agentId}/configuration`);
      expect((await heartbeat(e.agentId, e.apiKey)).status).toBe(204);
      expect((await heartbeat(e.agentId, e.apiKey, false)).status).toBe(204);
      const { data } = await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: e.agentId } } });
      expect(data).toMatchObject({ tags: ['prod', 'eu'], enrolledVia: 'secret', status: 'active', online: true, keyPrefix: e.apiKey.slice(0, 10) });
      expect(JSON.stringify(data)).not.toContain(e.apiKey);
    });

    it('re-enrolling the same hardwareId re-issues the key of the same agent', async () => {
      const first = await enrollAgent(s.client, secret, { hardwareId: `hw-${dialect}` });
      const again = await s.client.POST('/api/v1/agent/enroll', { body: { enrollSecret: secret, hostname: 'renamed', os: 'linux', arch: 'arm64', agentVersion: '1.1.0', hardwareId: `hw-${dialect}` } });
      expect(again.response.status).toBe(200);
      expect(again.data!.agentId).toBe(first.agentId);
      expect((await heartbeat(first.agentId, first.apiKey)).status).toBe(401);
      expect((await heartbeat(first.agentId, again.data!.apiKey)).status).toBe(204);
      const { data: list } = await s.client.GET('/api/v1/agents', { params: { query: { q: 'renamed' } } });
      expect(list!.items.map((a) => a.id)).toEqual([first.agentId]);
    });

    it('refuses bad, revoked and malformed secrets with 401/400, creating nothing', async () => {
      const bad = await s.client.POST('/api/v1/agent/enroll', { body: { enrollSecret: `ens_${'x'.repeat(43)}`, hostname: 'h', os: 'linux', arch: 'x', agentVersion: '1' } });
      expect(bad.response.status).toBe(401);
      const { data: made } = await s.client.POST('/api/v1/enroll-secrets', { body: { name: 'short-lived' } });
      await s.client.DELETE('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId: made!.enrollSecret.id } } });
      const revoked = await s.client.POST('/api/v1/agent/enroll', { body: { enrollSecret: made!.secret, hostname: 'h', os: 'linux', arch: 'x', agentVersion: '1' } });
      expect(revoked.response.status).toBe(401);
      const malformed = await s.fetch('/api/v1/agent/enroll', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: secret, hostname: 'x'.repeat(300), os: 'linux', arch: 'x', agentVersion: '1', tags: Array.from({ length: 60 }, (_, i) => `t${i}`), colour: 1 }),
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(['body/colour', 'body/hostname', 'body/tags']);
    });
  });

  describe('agent keys', () => {
    it('reach only their own agent: another agent of the same tenant is 403, operator routes are 401', async () => {
      const a = await enrollAgent(s.client, secret);
      const b = await enrollAgent(s.client, secret);
      const r = await heartbeat(b.agentId, a.apiKey);
      expect(r.status).toBe(403);
      expect((await s.fetch('/api/v1/agents', { headers: { authorization: `Bearer ${a.apiKey}` } })).status).toBe(401);
      expect((await s.fetch('/api/v1/agents', { headers: { 'x-agent-api-key': a.apiKey } })).status).toBe(401);
    });

    it('rotate: new key works at once, old key only during the grace period', async () => {
      const a = await enrollAgent(s.client, secret);
      const { data, response } = await asAgent(a.apiKey).POST('/api/v1/agent/{agentId}/rotate-key', { params: { path: { agentId: a.agentId } } });
      expect(response.status).toBe(200);
      expect((await heartbeat(a.agentId, data!.apiKey)).status).toBe(204);
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(204);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(401);
      expect((await heartbeat(a.agentId, data!.apiKey)).status).toBe(204);
    });

    it('revoke: fails on the very next request; the agent shows revoked; re-enrolling restores it', async () => {
      const a = await enrollAgent(s.client, secret, { hardwareId: `revoke-${dialect}` });
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(204);
      const rev = await s.client.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: a.agentId } } });
      expect(rev.response.status).toBe(204);
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(401);
      expect((await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).data).toMatchObject({ status: 'revoked', keyPrefix: null });
      const again = await enrollAgent(s.client, secret, { hardwareId: `revoke-${dialect}` });
      expect((await heartbeat(a.agentId, again.apiKey)).status).toBe(204);
    });

    it('keys of deleted agents fail', async () => {
      const a = await enrollAgent(s.client, secret);
      expect((await s.client.DELETE('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).response.status).toBe(204);
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(401);
      expect((await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).response.status).toBe(404);
    });
  });

  describe('fleet management', () => {
    it('PATCH with If-Match / version: 412 and 409 version-conflict on stale versions, ETag moves on', async () => {
      const a = await enrollAgent(s.client, secret);
      const got = await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } });
      const etag = got.response.headers.get('etag')!;
      expect(etag).toBe(`"${got.data!.version}"`);
      const ok = await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId }, header: { 'If-Match': etag } }, body: { name: 'db-1', tags: ['db'] } });
      expect(ok.response.status).toBe(200);
      expect(ok.data).toMatchObject({ name: 'db-1', tags: ['db'], version: got.data!.version + 1 });
      expect(ok.response.headers.get('etag')).toBe(`"${got.data!.version + 1}"`);
      const stale = await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId }, header: { 'If-Match': etag } }, body: { name: 'db-2' } });
      expect(stale.response.status).toBe(412);
      const conflict = await s.client.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } }, body: { name: 'db-2', version: got.data!.version } });
      expect(conflict.response.status).toBe(409);
      expect(conflict.error).toMatchObject({ type: 'https://agentry.dev/problems/version-conflict', currentVersion: got.data!.version + 1 });
      const audit = await s.client.GET('/api/v1/audit', { params: { query: { resourceId: a.agentId, action: 'agent.update' } } });
      expect(audit.data!.items[0]).toMatchObject({ before: { name: `${a.agentId}` === '' ? '' : expect.any(String) }, after: { name: 'db-1' } });
      expect(JSON.stringify(audit.data)).not.toContain('keyHash');
    });

    it('lists with filters and a stable cursor', async () => {
      const { data: section } = await s.client.POST('/api/v1/sections', { body: { name: `rack-${dialect}` } });
      const sectionSecret = await enrollmentSecret(s.client, section!.id);
      const windows = await enrollAgent(s.client, sectionSecret, { os: 'windows', tags: ['gpu'], hostname: 'WS-100%_special' });
      const q = async (query: Record<string, unknown>) => (await s.client.GET('/api/v1/agents', { params: { query } })).data!.items.map((a) => a.id);
      expect(await q({ os: 'windows' })).toEqual([windows.agentId]);
      expect(await q({ tag: 'gpu' })).toEqual([windows.agentId]);
      expect(await q({ sectionId: section!.id })).toEqual([windows.agentId]);
      expect(await q({ q: 'ws-100%_' })).toEqual([windows.agentId]);
      expect(await q({ q: '%' })).toEqual([windows.agentId]);
      expect(await q({ status: 'revoked' })).not.toContain(windows.agentId);
      expect(await q({ online: false })).toContain(windows.agentId);
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const { data } = await s.client.GET('/api/v1/agents', { params: { query: { limit: 3, cursor } } });
        all.push(...data!.items.map((a) => a.id));
        cursor = data!.nextCursor ?? undefined;
      } while (cursor);
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(all.length);
    });

    it('bulk tag/untag/move/delete with per-item results and a summary', async () => {
      const a = await enrollAgent(s.client, secret);
      const b = await enrollAgent(s.client, secret);
      const missing = '01a207a2-0000-7000-8000-0000000000aa';
      const tag = await s.client.POST('/api/v1/agents/bulk', { body: { action: 'tag', agentIds: [a.agentId, b.agentId, missing], tags: ['bulk'] } });
      expect(tag.data!.summary).toEqual({ requested: 3, succeeded: 2, failed: 1 });
      expect(tag.data!.results.find((r) => r.agentId === missing)!.outcome).toBe('not_found');
      const untag = await s.client.POST('/api/v1/agents/bulk', { body: { action: 'untag', agentIds: [a.agentId], tags: ['bulk'] } });
      expect(untag.data!.summary.succeeded).toBe(1);
      const tagged = await s.client.GET('/api/v1/agents', { params: { query: { tag: 'bulk' } } });
      expect(tagged.data!.items.map((x) => x.id)).toEqual([b.agentId]);
      const noTags = await s.client.POST('/api/v1/agents/bulk', { body: { action: 'tag', agentIds: [a.agentId] } });
      expect(noTags.response.status).toBe(400);
      const del = await s.client.POST('/api/v1/agents/bulk', { body: { action: 'delete', agentIds: [a.agentId, b.agentId] } });
      expect(del.data!.summary).toEqual({ requested: 2, succeeded: 2, failed: 0 });
    });

    it('an operator may edit but not delete', async () => {
      const { data: op } = await s.client.POST('/api/v1/tokens', { body: { name: 'op', role: 'operator' } });
      const a = await enrollAgent(s.client, secret);
      const asOp = s.clientFor(op!.secret);
      expect((await asOp.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } }, body: { name: 'x' } })).response.status).toBe(200);
      expect((await asOp.DELETE('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).response.status).toBe(403);
      expect((await asOp.POST('/api/v1/agents/bulk', { body: { action: 'delete', agentIds: [a.agentId] } })).response.status).toBe(403);
    });

    it('tenant isolation: another tenant sees 404 and cannot touch our agents', async () => {
      const a = await enrollAgent(s.client, secret);
      const other = await tenantWithToken(s.repos, 'admin');
      const them = s.clientFor(other.secret);
      expect((await them.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).response.status).toBe(404);
      expect((await them.PATCH('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } }, body: { name: 'stolen' } })).response.status).toBe(404);
      expect((await them.DELETE('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).response.status).toBe(404);
      expect((await them.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: a.agentId } } })).response.status).toBe(404);
      const bulk = await them.POST('/api/v1/agents/bulk', { body: { action: 'delete', agentIds: [a.agentId] } });
      expect(bulk.data!.results[0]!.outcome).toBe('not_found');
      expect((await them.GET('/api/v1/agents', { params: { query: {} } })).data!.items).toEqual([]);
      expect((await heartbeat(a.agentId, a.apiKey)).status).toBe(204);
    });
  });
});

describe.each(dialects())('offline detection on %s', (dialect) => {
  it('marks silent agents offline and back online on the next heartbeat, each transition an event', async () => {
    const s = await startTestServer({ dialect, config: (c) => Object.assign(c.agents, { offlineAfterSec: 1, offlineCheckIntervalSec: 1, heartbeatWriteIntervalSec: 0 }) });
    try {
      const secret = await enrollmentSecret(s.client);
      const a = await enrollAgent(s.client, secret);
      const beat = () => s.fetch(`/api/v1/agent/${a.agentId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': a.apiKey }, body: JSON.stringify(heartbeatBody) });
      expect((await beat()).status).toBe(204);
      const online = async () => (await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: a.agentId } } })).data!.online;
      expect(await online()).toBe(true);
      for (let i = 0; i < 40 && (await online()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await online()).toBe(false);
      expect((await beat()).status).toBe(204);
      expect(await online()).toBe(true);
      const { data } = await s.client.GET('/api/v1/events', { params: { query: { types: ['agent_online', 'agent_offline'] } } });
      expect(data!.events.filter((e) => e.resourceId === a.agentId).map((e) => e.type)).toEqual(['agent_online', 'agent_offline', 'agent_online']);
    } finally {
      await s.close();
    }
  });
});

describe('claim brute force', () => {
  it('wrong claim tokens are refused and then rate limited', async () => {
    const s = await startTestServer({ config: (c) => Object.assign(c.rateLimits, { adminRatePerSec: 1, adminBurst: 3 }) });
    try {
      const agentId = '0198f0a2-6c1e-7b3a-9f00-00000000b00f';
      const reg = await s.fetch('/api/v1/agent/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId, claimTokenHash: 'a'.repeat(64), hostname: 'h', agentVersion: '0.1.0', ipAddresses: [{ ip: '10.0.0.1', iface: 'eth0', family: 'ipv4', recommended: true }] }),
      });
      expect(reg.status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await s.client.POST('/api/v1/agents/claim', { body: { agentId, claimToken: `guess-${i}` } })).response.status);
      expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
      expect(statuses.slice(3)).toContain(429);
      expect((await s.fetch(`/api/v1/agent/${agentId}/claim-status`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
