/** RegistrationRepository (Smotra claims) contract, run unchanged on SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../src/domain/agent.ts';
import type { EventType, NewEvent } from '../../src/domain/event.ts';
import { newId } from '../../src/services/ids.ts';
import { agentKey, agentRow, registrationRow } from '../factories/agents.ts';
import { auditRow } from '../factories/tenants.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

const event = (tenantId: string, type: EventType, resourceId: string | null, createdAt = new Date()): NewEvent => ({ tenantId, type, resourceType: 'agent', resourceId, data: {}, createdAt });

describe.each(dialects())('registration repository on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const tenant = () => suite.tenant();
  const agent = (tenantId: string, overrides: Partial<AgentRecord> = {}) => suite.agent(tenantId, overrides);

  describe('registrations', () => {
    it('registers: created, then renewed with a new token and a reset poll count, counting polls', async () => {
      const reg = registrationRow();
      const at = new Date('2030-01-01T00:00:00.000Z');
      expect(await suite.repos.registrations.register(reg, at)).toEqual({ kind: 'done', value: 'created' });
      expect(await suite.repos.registrations.find(reg.agentId)).toEqual({ ...reg, pollCount: 0, createdAt: at, updatedAt: at, claimedAt: null, tenantId: null, keyDeliveredAt: null });

      expect(await suite.repos.registrations.countPoll(reg.agentId)).toBe(0);
      expect(await suite.repos.registrations.countPoll(reg.agentId)).toBe(1);
      expect(await suite.repos.registrations.countPoll(reg.agentId)).toBe(2);
      expect((await suite.repos.registrations.find(reg.agentId))?.pollCount).toBe(3);
      expect(await suite.repos.registrations.countPoll(newId())).toBe(0);

      const later = new Date(at.getTime() + 60_000);
      const renewal = registrationRow({ agentId: reg.agentId, hostname: 'renamed', ipAddresses: ['10.0.0.2'], expiresAt: new Date(later.getTime() + 3_600_000) });
      expect(await suite.repos.registrations.register(renewal, later)).toEqual({ kind: 'done', value: 'renewed' });
      const found = await suite.repos.registrations.find(reg.agentId);
      expect(found).toEqual({ ...renewal, pollCount: 0, createdAt: at, updatedAt: later, claimedAt: null, tenantId: null, keyDeliveredAt: null });
      expect(found?.claimTokenHash).not.toBe(reg.claimTokenHash);
      expect(await suite.repos.registrations.find(newId())).toBeNull();
    });

    it('answers claimed for a claimed registration and for an existing agent, leaving them untouched', async () => {
      const t = await tenant();
      const reg = registrationRow();
      await suite.repos.registrations.register(reg, new Date());
      expect(await suite.repos.registrations.claim(reg.agentId, agentRow(t.id, { id: reg.agentId, enrolledVia: 'claim' }), new Date(), {})).toEqual({ kind: 'done', value: undefined });
      expect(await suite.repos.registrations.register(registrationRow({ agentId: reg.agentId }), new Date())).toEqual({ kind: 'already_done' });
      expect((await suite.repos.registrations.find(reg.agentId))?.claimTokenHash).toBe(reg.claimTokenHash);

      const enrolled = await agent(t.id);
      expect(await suite.repos.registrations.register(registrationRow({ agentId: enrolled.id }), new Date())).toEqual({ kind: 'already_done' });
      expect(await suite.repos.registrations.find(enrolled.id)).toBeNull();
    });

    it('survives concurrent registrations of one new id', async () => {
      const agentId = newId();
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => suite.repos.registrations.register(registrationRow({ agentId }), new Date())));
      expect(outcomes.filter((o) => o.kind === 'done' && o.value === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'done' && o.value === 'renewed')).toHaveLength(7);
      expect((await suite.repos.registrations.find(agentId))?.pollCount).toBe(0);
    });

    it('claims: missing, claimed (creating the agent with its effects), already claimed', async () => {
      const t = await tenant();
      const reg = registrationRow();
      await suite.repos.registrations.register(reg, new Date());
      const at = new Date('2030-07-07T07:07:07.007Z');
      const a = agentRow(t.id, { id: reg.agentId, enrolledVia: 'claim', hostname: reg.hostname, agentVersion: reg.agentVersion, createdAt: at, updatedAt: at });
      const effects = { audit: auditRow(t.id, { action: 'agent.claim', resourceType: 'agent', resourceId: a.id }), events: [event(t.id, 'agent_claimed', a.id, at)] };
      expect(await suite.repos.registrations.claim(newId(), agentRow(t.id), at, effects)).toEqual({ kind: 'not_found' });
      expect(await suite.repos.events.bounds(t.id)).toEqual({ oldest: null, latest: 0 });

      expect(await suite.repos.registrations.claim(reg.agentId, a, at, effects)).toEqual({ kind: 'done', value: undefined });
      expect(await suite.repos.agents.findById(t.id, a.id)).toEqual(a);
      expect(await suite.repos.registrations.find(reg.agentId)).toMatchObject({ claimedAt: at, tenantId: t.id, updatedAt: at, keyDeliveredAt: null });
      expect((await suite.repos.audit.list(t.id, { action: 'agent.claim' }, { limit: 10 })).items).toHaveLength(1);
      expect((await suite.repos.events.list(t.id, 0, 10)).events.map((e) => [e.type, e.resourceId])).toEqual([['agent_claimed', a.id]]);

      const other = await tenant();
      expect(await suite.repos.registrations.claim(reg.agentId, agentRow(other.id, { id: reg.agentId }), new Date(), { events: [event(other.id, 'agent_claimed', a.id)] })).toEqual({ kind: 'already_done' });
      expect((await suite.repos.registrations.find(reg.agentId))?.tenantId).toBe(t.id);
      expect(await suite.repos.events.bounds(other.id)).toEqual({ oldest: null, latest: 0 });
    });

    it('lets exactly one of several concurrent claims win', async () => {
      const tenants = await Promise.all(Array.from({ length: 5 }, () => tenant()));
      const reg = registrationRow();
      await suite.repos.registrations.register(reg, new Date());
      const outcomes = await Promise.all(
        tenants.map((t) => suite.repos.registrations.claim(reg.agentId, agentRow(t.id, { id: reg.agentId, enrolledVia: 'claim' }), new Date(), { events: [event(t.id, 'agent_claimed', reg.agentId)] })),
      );
      expect(outcomes.filter((o) => o.kind === 'done')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'already_done')).toHaveLength(4);
      const winner = tenants[outcomes.findIndex((o) => o.kind === 'done')]!;
      expect((await suite.repos.registrations.find(reg.agentId))?.tenantId).toBe(winner.id);
      expect((await suite.repos.agents.findById(winner.id, reg.agentId))?.id).toBe(reg.agentId);
      const published = await Promise.all(tenants.map(async (t) => (await suite.repos.events.bounds(t.id)).latest));
      expect(published.reduce((x, y) => x + y, 0)).toBe(1);
    });

    it('delivers the key exactly once, only after the claim, even to concurrent polls', async () => {
      const t = await tenant();
      const reg = registrationRow();
      await suite.repos.registrations.register(reg, new Date());
      expect(await suite.repos.registrations.deliverKey(reg.agentId, agentKey().keyHash, 'agk_x', new Date())).toEqual({ kind: 'already_done' });
      await suite.repos.registrations.claim(reg.agentId, agentRow(t.id, { id: reg.agentId, enrolledVia: 'claim' }), new Date(), {});

      const keys = Array.from({ length: 10 }, () => agentKey());
      const at = new Date('2030-08-08T08:08:08.008Z');
      const won = await Promise.all(keys.map((k) => suite.repos.registrations.deliverKey(reg.agentId, k.keyHash, k.keyPrefix, at)));
      expect(won.filter((o) => o.kind === 'done')).toHaveLength(1);
      const key = keys[won.findIndex((o) => o.kind === 'done')]!;
      expect(await suite.repos.agents.findById(t.id, reg.agentId)).toMatchObject({ keyHash: key.keyHash, keyPrefix: key.keyPrefix, updatedAt: at });
      expect((await suite.repos.agents.findByKeyHash(key.keyHash, new Date()))?.id).toBe(reg.agentId);
      expect((await suite.repos.registrations.find(reg.agentId))?.keyDeliveredAt).toEqual(at);
      expect(await suite.repos.registrations.deliverKey(reg.agentId, agentKey().keyHash, 'agk_y', new Date())).toEqual({ kind: 'already_done' });
      expect(await suite.repos.registrations.deliverKey(newId(), agentKey().keyHash, 'agk_z', new Date())).toEqual({ kind: 'already_done' });
    });

    it('lists pending registrations in id order, hiding claimed and expired ones', async () => {
      // Far in the future, so only this test's registrations are still pending then.
      const now = new Date('2100-01-01T00:00:00.000Z');
      const later = new Date('2101-01-01T00:00:00.000Z');
      const t = await tenant();
      const pending: string[] = [];
      for (let i = 0; i < 3; i++) {
        const reg = registrationRow({ expiresAt: later });
        await suite.repos.registrations.register(reg, new Date());
        pending.push(reg.agentId);
      }
      const claimed = registrationRow({ expiresAt: later });
      await suite.repos.registrations.register(claimed, new Date());
      await suite.repos.registrations.claim(claimed.agentId, agentRow(t.id, { id: claimed.agentId }), new Date(), {});
      await suite.repos.registrations.register(registrationRow({ expiresAt: now }), new Date());

      const first = await suite.repos.registrations.listPending(now, { limit: 2 });
      expect(first.items.map((r) => r.id)).toEqual(pending.slice(0, 2));
      expect(first.items.map((r) => r.agentId)).toEqual(pending.slice(0, 2));
      expect(first.lastId).toBe(pending[1]);
      const rest = await suite.repos.registrations.listPending(now, { limit: 2, afterId: first.lastId! });
      expect(rest.items.map((r) => r.id)).toEqual(pending.slice(2));
      expect(rest.lastId).toBeNull();
      expect(rest.items[0]).toMatchObject({ hostname: 'smotra-host', agentVersion: '1.0.0', ipAddresses: ['10.0.0.1'], pollCount: 0, claimedAt: null });
    });

    it('prunes only expired unclaimed registrations, and removes one on request', async () => {
      const t = await tenant();
      const longAgo = new Date('2000-01-01T00:00:00.000Z');
      const expired = registrationRow({ expiresAt: longAgo });
      const expiredClaimed = registrationRow({ expiresAt: longAgo });
      const current = registrationRow();
      for (const reg of [expired, expiredClaimed, current]) await suite.repos.registrations.register(reg, new Date());
      await suite.repos.registrations.claim(expiredClaimed.agentId, agentRow(t.id, { id: expiredClaimed.agentId }), new Date(), {});

      expect(await suite.repos.registrations.pruneExpired(new Date('2000-01-01T00:00:00.000Z'))).toBe(0);
      expect(await suite.repos.registrations.pruneExpired(new Date('2000-06-01T00:00:00.000Z'))).toBe(1);
      expect(await suite.repos.registrations.find(expired.agentId)).toBeNull();
      expect(await suite.repos.registrations.find(expiredClaimed.agentId)).not.toBeNull();
      expect(await suite.repos.registrations.find(current.agentId)).not.toBeNull();

      await suite.repos.registrations.remove(current.agentId);
      expect(await suite.repos.registrations.find(current.agentId)).toBeNull();
      await expect(suite.repos.registrations.remove(current.agentId)).resolves.toBeUndefined();
    });
  });
});
