/** AgentRepository contract, run unchanged on SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../src/domain/agent.ts';
import type { EventType, NewEvent, WriteEffects } from '../../src/domain/event.ts';
import type { Repositories } from '../../src/repositories/types.ts';
import { newId } from '../../src/services/ids.ts';
import { agentKey, agentRow } from '../factories/agents.ts';
import { auditRow } from '../factories/tenants.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

const event = (tenantId: string, type: EventType, resourceId: string | null, createdAt = new Date()): NewEvent => ({ tenantId, type, resourceType: 'agent', resourceId, data: {}, createdAt });

/** Offline sweeps are server-wide: agents of these tests went silent long ago, everyone else's heartbeats are recent. */
const LONG_AGO = new Date('2001-01-01T00:00:00.000Z');
const CUTOFF = new Date('2002-01-01T00:00:00.000Z');

describe.each(dialects())('agent repository on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const tenant = () => suite.tenant();
  const agent = (tenantId: string, overrides: Partial<AgentRecord> = {}) => suite.agent(tenantId, overrides);
  const offlineEffects = (a: AgentRecord): WriteEffects => ({ events: [event(a.tenantId, 'agent_offline', a.id)] });

  describe('agents', () => {
    it('inserts with effects, finds by id, scoped by tenant', async () => {
      const t = await tenant();
      const other = await tenant();
      const a = agentRow(t.id, {
        os: 'linux',
        arch: 'amd64',
        agentVersion: '2.1.0',
        hardwareId: 'hw-1',
        capabilities: ['exec', 'inventory'],
        tags: ['prod', 'web'],
        ipAddresses: ['10.0.0.1', { v6: '::1' }],
        createdAt: new Date('2030-01-01T00:00:00.123Z'),
        updatedAt: new Date('2030-01-01T00:00:00.123Z'),
      });
      await suite.repos.agents.insert(a, { audit: auditRow(t.id, { action: 'agent.create', resourceType: 'agent', resourceId: a.id }), events: [event(t.id, 'agent_registered', a.id)] });
      expect(await suite.repos.agents.findById(t.id, a.id)).toEqual(a);
      expect(await suite.repos.agents.findById(other.id, a.id)).toBeNull();
      expect(await suite.repos.agents.findById(t.id, newId())).toBeNull();
      expect((await suite.repos.audit.list(t.id, { action: 'agent.create' }, { limit: 10 })).items.map((e) => e.resourceId)).toEqual([a.id]);
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId])).toEqual([['agent_registered', a.id]]);
    });

    it('rejects a second agent with the same hardware id in a tenant, and writes no effects then', async () => {
      const t = await tenant();
      await agent(t.id, { hardwareId: 'hw-dup' });
      await expect(suite.repos.agents.insert(agentRow(t.id, { hardwareId: 'hw-dup' }), { events: [event(t.id, 'agent_registered', null)] })).rejects.toThrow();
      expect(await suite.repos.events.bounds(t.id)).toEqual({ oldest: null, latest: 0 });
      const other = await tenant();
      await expect(agent(other.id, { hardwareId: 'hw-dup' })).resolves.toBeDefined();
    });

    it('finds by the current key, and by the previous key only inside its grace period', async () => {
      const t = await tenant();
      const current = agentKey();
      const previous = agentKey();
      const graceEnds = new Date('2030-06-01T00:00:00.000Z');
      const a = await agent(t.id, { keyHash: current.keyHash, keyPrefix: current.keyPrefix, previousKeyHash: previous.keyHash, previousKeyExpiresAt: graceEnds });
      expect((await suite.repos.agents.findByKeyHash(current.keyHash, new Date()))?.id).toBe(a.id);
      expect((await suite.repos.agents.findByKeyHash(current.keyHash, new Date('2040-01-01T00:00:00Z')))?.id).toBe(a.id);
      expect((await suite.repos.agents.findByKeyHash(previous.keyHash, new Date(graceEnds.getTime() - 1)))?.id).toBe(a.id);
      expect(await suite.repos.agents.findByKeyHash(previous.keyHash, graceEnds)).toBeNull();
      expect(await suite.repos.agents.findByKeyHash(previous.keyHash, new Date(graceEnds.getTime() + 1))).toBeNull();
      expect(await suite.repos.agents.findByKeyHash(agentKey().keyHash, new Date())).toBeNull();
    });

    it('finds by hardware id within the tenant', async () => {
      const t = await tenant();
      const other = await tenant();
      const a = await agent(t.id, { hardwareId: 'hw-find' });
      expect((await suite.repos.agents.findByHardwareId(t.id, 'hw-find'))?.id).toBe(a.id);
      expect(await suite.repos.agents.findByHardwareId(other.id, 'hw-find')).toBeNull();
      expect(await suite.repos.agents.findByHardwareId(t.id, 'hw-none')).toBeNull();
    });

    it('lists with each filter, without secrets, scoped by tenant', async () => {
      const t = await tenant();
      const other = await tenant();
      const web = await agent(t.id, { hostname: 'Web-01', name: 'alpha', os: 'linux', tags: ['prod', 'web'], online: true, keyHash: agentKey().keyHash, latestHeartbeat: { cpu: 1 } });
      const db = await agent(t.id, { hostname: 'db_01', name: 'Beta%Box', os: 'windows', tags: ['prod'], status: 'revoked' });
      const cache = await agent(t.id, { hostname: 'cache', name: 'gamma', os: 'linux', tags: ['web-x'] });
      await agent(other.id, { hostname: 'Web-01', name: 'alpha', os: 'linux', tags: ['prod', 'web'], online: true });
      const ids = async (filter: Parameters<Repositories['agents']['list']>[1]) => (await suite.repos.agents.list(t.id, filter, { limit: 50 })).items.map((a) => a.id);

      const all = await suite.repos.agents.list(t.id, {}, { limit: 50 });
      expect(all.items.map((a) => a.id)).toEqual([web.id, db.id, cache.id]);
      expect(all.lastId).toBeNull();
      // Records as stored, like findById: services strip the key hashes (publicAgent) before anything leaves them.
      expect(all.items[0]).toEqual(await suite.repos.agents.findById(t.id, web.id));
      expect(all.items[0]?.tags).toEqual(['prod', 'web']);

      expect(await ids({ status: 'active' })).toEqual([web.id, cache.id]);
      expect(await ids({ status: 'revoked' })).toEqual([db.id]);
      expect(await ids({ online: true })).toEqual([web.id]);
      expect(await ids({ online: false })).toEqual([db.id, cache.id]);
      expect(await ids({ os: 'linux' })).toEqual([web.id, cache.id]);
      expect(await ids({ tag: 'prod' })).toEqual([web.id, db.id]);
      expect(await ids({ tag: 'web' })).toEqual([web.id]);
      expect(await ids({ tag: 'nope' })).toEqual([]);
      expect(await ids({ tag: 'prod', os: 'linux', online: true, status: 'active' })).toEqual([web.id]);
      // q: case-insensitive substring of hostname or name, with LIKE wildcards taken literally.
      expect(await ids({ q: 'WEB' })).toEqual([web.id]);
      expect(await ids({ q: 'beta' })).toEqual([db.id]);
      expect(await ids({ q: 'AMM' })).toEqual([cache.id]);
      expect(await ids({ q: '%' })).toEqual([db.id]);
      expect(await ids({ q: '_' })).toEqual([db.id]);
      expect(await ids({ q: 'b_0' })).toEqual([db.id]);
      expect(await ids({ q: 'e_' })).toEqual([]);
      expect(await ids({ q: '\\' })).toEqual([]);
    });

    it('filters by section', async () => {
      const t = await tenant();
      const now = new Date();
      const section = { id: newId(), tenantId: t.id, name: 'site-a', description: null, version: 1, createdAt: now, updatedAt: now };
      await suite.repos.sections.create(section, {});
      const inSection = await agent(t.id, { sectionId: section.id });
      await agent(t.id);
      expect((await suite.repos.agents.list(t.id, { sectionId: section.id }, { limit: 10 })).items.map((a) => a.id)).toEqual([inSection.id]);
      expect((await suite.repos.agents.list(t.id, { sectionId: newId() }, { limit: 10 })).items).toEqual([]);
    });

    it('pages in id order with a stable cursor', async () => {
      const t = await tenant();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await agent(t.id, { tags: ['paged'] })).id);
      const first = await suite.repos.agents.list(t.id, { tag: 'paged' }, { limit: 2 });
      expect(first.items.map((a) => a.id)).toEqual(ids.slice(0, 2));
      expect(first.lastId).toBe(ids[1]);
      const second = await suite.repos.agents.list(t.id, { tag: 'paged' }, { limit: 2, afterId: first.lastId! });
      expect(second.items.map((a) => a.id)).toEqual(ids.slice(2, 4));
      const last = await suite.repos.agents.list(t.id, { tag: 'paged' }, { limit: 2, afterId: second.lastId! });
      expect(last.items.map((a) => a.id)).toEqual(ids.slice(4));
      expect(last.lastId).toBeNull();
    });

    it('updates at the expected version, bumps it and writes the effects; conflicts, misses and other tenants change nothing', async () => {
      const t = await tenant();
      const other = await tenant();
      const a = await agent(t.id, { name: 'before' });
      const at = new Date('2030-02-02T02:02:02.002Z');
      const effects = (before: AgentRecord, after: AgentRecord): WriteEffects => ({
        audit: auditRow(t.id, { action: 'agent.update', resourceType: 'agent', resourceId: a.id, before: { name: before.name, version: before.version }, after: { name: after.name, version: after.version } }),
        events: [event(t.id, 'agent_updated', a.id, at)],
      });
      const result = await suite.repos.agents.update(t.id, a.id, { name: 'after', tags: ['x', 'y'], sectionId: null }, at, effects, 1);
      expect(result.kind).toBe('done');
      if (result.kind !== 'done') return;
      expect(result.value).toEqual({ ...a, name: 'after', tags: ['x', 'y'], version: 2, updatedAt: at });
      expect(await suite.repos.agents.findById(t.id, a.id)).toEqual(result.value);
      const audit = await suite.repos.audit.list(t.id, { action: 'agent.update' }, { limit: 10 });
      expect(audit.items.map((e) => [e.resourceId, e.before, e.after])).toEqual([[a.id, { name: 'before', version: 1 }, { name: 'after', version: 2 }]]);
      expect((await suite.repos.events.list(t.id, 0, 10, ['agent_updated'])).events.map((e) => e.resourceId)).toEqual([a.id]);

      expect(await suite.repos.agents.update(t.id, a.id, { name: 'stale' }, new Date(), effects, 1)).toEqual({ kind: 'version_conflict', currentVersion: 2 });
      expect(await suite.repos.agents.update(t.id, newId(), { name: 'x' }, new Date(), effects, 1)).toEqual({ kind: 'not_found' });
      expect(await suite.repos.agents.update(other.id, a.id, { name: 'x' }, new Date(), effects)).toEqual({ kind: 'not_found' });
      expect((await suite.repos.agents.findById(t.id, a.id))?.name).toBe('after');
      expect((await suite.repos.audit.list(t.id, { action: 'agent.update' }, { limit: 10 })).items).toHaveLength(1);
      expect(await suite.repos.events.bounds(t.id)).toEqual({ oldest: 1, latest: 1 });

      const unconditional = await suite.repos.agents.update(t.id, a.id, { status: 'revoked' }, new Date(), () => ({}));
      expect(unconditional.kind === 'done' && unconditional.value.version).toBe(3);
    });

    it('lets exactly one of several concurrent updates at one version win', async () => {
      const t = await tenant();
      const a = await agent(t.id);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => suite.repos.agents.update(t.id, a.id, { name: `n${i}` }, new Date(), () => ({ events: [event(t.id, 'agent_updated', a.id)] }), 1)));
      expect(results.filter((r) => r.kind === 'done')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'version_conflict')).toEqual(Array.from({ length: 5 }, () => ({ kind: 'version_conflict', currentVersion: 2 })));
      expect(await suite.repos.events.bounds(t.id)).toEqual({ oldest: 1, latest: 1 });
    });

    it('deletes with effects, once, and never across tenants', async () => {
      const t = await tenant();
      const other = await tenant();
      const a = await agent(t.id);
      const effects = (before: AgentRecord): WriteEffects => ({
        audit: auditRow(t.id, { action: 'agent.delete', resourceType: 'agent', resourceId: before.id, before: { name: before.name } }),
        events: [event(t.id, 'agent_deleted', before.id)],
      });
      expect(await suite.repos.agents.delete(other.id, a.id, effects)).toEqual({ kind: 'not_found' });
      expect((await suite.repos.agents.delete(t.id, a.id, effects)).kind).toBe('done');
      expect(await suite.repos.agents.findById(t.id, a.id)).toBeNull();
      expect(await suite.repos.agents.delete(t.id, a.id, effects)).toEqual({ kind: 'not_found' });
      const audit = await suite.repos.audit.list(t.id, { action: 'agent.delete' }, { limit: 10 });
      expect(audit.items.map((e) => [e.resourceId, e.before])).toEqual([[a.id, { name: a.name }]]);
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId])).toEqual([['agent_deleted', a.id]]);
    });

    it('flips offline agents online with their effects, and writes online agents in place, several in one group', async () => {
      const t = await tenant();
      const a = await agent(t.id);
      const first = new Date('2030-03-03T03:03:03.003Z');
      const online = (before: { lastSeenAt: Date | null }) => ({ events: [{ ...event(t.id, 'agent_online', a.id, first), data: { lastSeenAt: before.lastSeenAt } }] });
      expect(await suite.repos.agents.recordHeartbeats([{ id: a.id, at: first, heartbeat: { load: [0.1, 0.2], ok: true }, comingOnline: online }])).toEqual(['online']);
      let found = await suite.repos.agents.findById(t.id, a.id);
      expect(found).toMatchObject({ lastSeenAt: first, latestHeartbeat: { load: [0.1, 0.2], ok: true }, online: true, onlineChangedAt: first, version: 1 });
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId, e.data])).toEqual([['agent_online', a.id, { lastSeenAt: null }]]);

      const second = new Date(first.getTime() + 30_000);
      const b = await agent(t.id);
      // One online agent (one statement) and one offline (flipped with its event) in the same group.
      expect(
        await suite.repos.agents.recordHeartbeats([
          { id: a.id, at: second, heartbeat: { n: 2 }, comingOnline: online },
          { id: b.id, at: second, heartbeat: { n: 1 }, comingOnline: () => ({ events: [event(t.id, 'agent_online', b.id, second)] }) },
        ]),
      ).toEqual(['written', 'online']);
      found = await suite.repos.agents.findById(t.id, a.id);
      expect(found).toMatchObject({ lastSeenAt: second, latestHeartbeat: { n: 2 }, online: true, onlineChangedAt: first, version: 1 });
      expect(await suite.repos.agents.findById(t.id, b.id)).toMatchObject({ lastSeenAt: second, latestHeartbeat: { n: 1 }, online: true, onlineChangedAt: second });
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId])).toEqual([
        ['agent_online', a.id],
        ['agent_online', b.id],
      ]);
    });

    it('brings a group of agents back online in one go: one event each, the last heartbeat of an agent sent twice, nothing for one deleted meanwhile', async () => {
      const t = await tenant();
      const [c, d, gone] = [await agent(t.id), await agent(t.id), await agent(t.id)];
      await suite.repos.agents.delete(t.id, gone.id, () => ({}));
      const at = new Date('2030-03-04T03:03:03.003Z');
      const later = new Date(at.getTime() + 1000);
      const online = (id: string) => () => ({ events: [event(t.id, 'agent_online', id, at)] });
      const outcomes = await suite.repos.agents.recordHeartbeats([
        { id: c.id, at, heartbeat: { n: 1 }, comingOnline: online(c.id) },
        { id: d.id, at, heartbeat: { n: 1 }, comingOnline: online(d.id) },
        { id: gone.id, at, heartbeat: { n: 1 }, comingOnline: online(gone.id) },
        { id: c.id, at: later, heartbeat: { n: 2 }, comingOnline: online(c.id) },
      ]);
      expect(outcomes.slice(0, 3)).toEqual(['online', 'online', 'written']);
      expect(await suite.repos.agents.findById(t.id, c.id)).toMatchObject({ lastSeenAt: later, latestHeartbeat: { n: 2 }, online: true });
      expect(await suite.repos.agents.findById(t.id, d.id)).toMatchObject({ lastSeenAt: at, latestHeartbeat: { n: 1 }, online: true, onlineChangedAt: at });
      expect(await suite.repos.agents.findById(t.id, gone.id)).toBeNull();
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId])).toEqual([
        ['agent_online', c.id],
        ['agent_online', d.id],
      ]);
    });

    it('saves the latest status report', async () => {
      const t = await tenant();
      const a = await agent(t.id);
      const at = new Date('2030-04-04T04:04:04.004Z');
      await suite.repos.agents.saveStatus(a.id, { services: [{ name: 'sshd', up: true }] }, at);
      expect(await suite.repos.agents.findById(t.id, a.id)).toMatchObject({ latestStatus: { services: [{ name: 'sshd', up: true }] }, statusReportedAt: at, version: 1 });
    });

    it('marks only silent online agents offline, one event each, at most `limit` per call', async () => {
      const t = await tenant();
      const silent = [await agent(t.id, { online: true, lastSeenAt: LONG_AGO }), await agent(t.id, { online: true, lastSeenAt: LONG_AGO }), await agent(t.id, { online: true, lastSeenAt: LONG_AGO })];
      const recent = await agent(t.id, { online: true, lastSeenAt: new Date() });
      const alreadyOffline = await agent(t.id, { online: false, lastSeenAt: LONG_AGO });
      const neverSeen = await agent(t.id, { online: true, lastSeenAt: null });
      const at = new Date('2030-05-05T05:05:05.005Z');

      const first = await suite.repos.agents.markOffline(CUTOFF, at, 2, offlineEffects);
      expect(first).toHaveLength(2);
      const second = await suite.repos.agents.markOffline(CUTOFF, at, 2, offlineEffects);
      expect(second).toHaveLength(1);
      expect(await suite.repos.agents.markOffline(CUTOFF, at, 2, offlineEffects)).toEqual([]);
      expect([...first, ...second].map((a) => a.id).sort()).toEqual(silent.map((a) => a.id).sort());

      for (const a of silent) expect(await suite.repos.agents.findById(t.id, a.id)).toMatchObject({ online: false, onlineChangedAt: at });
      for (const a of [recent, neverSeen]) expect((await suite.repos.agents.findById(t.id, a.id))?.online).toBe(true);
      expect((await suite.repos.agents.findById(t.id, alreadyOffline.id))?.onlineChangedAt).toBeNull();
      const events = (await suite.repos.events.list(t.id, 0, 100)).events;
      expect(events.map((e) => e.type)).toEqual(['agent_offline', 'agent_offline', 'agent_offline']);
      expect(events.map((e) => e.resourceId).sort()).toEqual(silent.map((a) => a.id).sort());
    });

    it('never flips one agent twice when sweeps run concurrently', async () => {
      const t = await tenant();
      const silent: AgentRecord[] = [];
      for (let i = 0; i < 10; i++) silent.push(await agent(t.id, { online: true, lastSeenAt: LONG_AGO }));
      const at = new Date();
      const pair = await Promise.all([suite.repos.agents.markOffline(CUTOFF, at, 100, offlineEffects), suite.repos.agents.markOffline(CUTOFF, at, 100, offlineEffects)]);
      expect(
        pair
          .flat()
          .map((a) => a.id)
          .sort(),
      ).toEqual(silent.map((a) => a.id).sort());

      const more: AgentRecord[] = [];
      for (let i = 0; i < 10; i++) more.push(await agent(t.id, { online: true, lastSeenAt: LONG_AGO }));
      const flipped: string[] = [];
      for (let round = 0; round < 10 && flipped.length < more.length; round++) {
        const batches = await Promise.all(Array.from({ length: 4 }, () => suite.repos.agents.markOffline(CUTOFF, at, 3, offlineEffects)));
        flipped.push(...batches.flat().map((a) => a.id));
      }
      expect(flipped.sort()).toEqual(more.map((a) => a.id).sort());

      const events = (await suite.repos.events.list(t.id, 0, 100)).events;
      expect(events).toHaveLength(20);
      expect(new Set(events.map((e) => e.resourceId)).size).toBe(20);
    });
  });
});
