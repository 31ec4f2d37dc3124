/** Repository contract for tenants, sections and enrollment secrets, run unchanged on SQLite and on a real Postgres. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnrollmentSecretRecord } from '../../src/domain/enrollment-secret.ts';
import type { Repositories } from '../../src/repositories/types.ts';
import type { Section } from '../../src/domain/section.ts';
import type { Tenant } from '../../src/domain/tenant.ts';
import { newId } from '../../src/services/ids.ts';
import { displayPrefix, generateSecret, hashSecret } from '../../src/services/secrets.ts';
import { agentRow } from '../factories/agents.ts';
import { auditRow, tenantRow } from '../factories/tenants.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

function sectionRow(tenantId: string, overrides: Partial<Section> = {}): Section {
  const now = new Date();
  return { id: newId(), tenantId, name: `section-${newId().slice(-12)}`, description: null, version: 1, createdAt: now, updatedAt: now, ...overrides };
}

function secretRow(tenantId: string, overrides: Partial<EnrollmentSecretRecord> = {}): EnrollmentSecretRecord {
  const secret = generateSecret('ens');
  return {
    id: newId(),
    tenantId,
    sectionId: null,
    name: 'secret',
    prefix: displayPrefix(secret),
    secretHash: hashSecret(secret),
    createdAt: new Date(),
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

describe.each(dialects())('tenancy repositories on %s', (dialect) => {
  const suite = useRepositories(dialect);
  let repos: Repositories;
  beforeAll(() => {
    repos = suite.repos;
  });

  const newTenant = async (): Promise<Tenant> => {
    const t = tenantRow();
    await repos.tenants.create(t, { audit: auditRow(t.id) });
    return t;
  };
  const auditCount = async (tenantId: string) => (await repos.audit.list(tenantId, {}, { limit: 1000 })).items.length;

  describe('tenants', () => {
    it('lists in id order with a cursor', async () => {
      const made = [await newTenant(), await newTenant(), await newTenant()];
      const all = await repos.tenants.list({ limit: 1000 });
      expect(all.items.map((t) => t.id)).toEqual([...all.items.map((t) => t.id)].sort());
      expect(all.items).toEqual(expect.arrayContaining(made));
      const first = await repos.tenants.list({ limit: 1 });
      const second = await repos.tenants.list({ limit: 1, afterId: first.lastId! });
      expect(second.items[0]!.id > first.items[0]!.id).toBe(true);
    });

    it('a taken name answers name_taken, also when creates race, and writes nothing', async () => {
      const t = await newTenant();
      const dup = tenantRow({ name: t.name });
      expect(await repos.tenants.create(dup, { audit: auditRow(dup.id) })).toEqual({ kind: 'name_taken' });
      expect(await repos.tenants.findById(dup.id)).toBeNull();
      const name = `race-${newId().slice(-12)}`;
      const results = await Promise.all(
        [0, 1, 2, 3].map(() => {
          const row = tenantRow({ name });
          return repos.tenants.create(row, { audit: auditRow(row.id) });
        }),
      );
      expect(results.filter((r) => r.kind === 'done')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'name_taken')).toHaveLength(3);
    });
  });

  describe('sections', () => {
    it('creates, finds and lists per tenant, in id order with a cursor', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const rows = [sectionRow(t.id, { description: 'one' }), sectionRow(t.id), sectionRow(t.id)];
      for (const row of rows) await repos.sections.create(row, { audit: auditRow(t.id, { action: 'section.create' }) });
      expect(await repos.sections.findById(t.id, rows[0]!.id)).toEqual(rows[0]);
      expect(await repos.sections.findById(other.id, rows[0]!.id)).toBeNull();
      const first = await repos.sections.list(t.id, { limit: 2 });
      expect(first.items).toEqual(rows.slice(0, 2));
      const rest = await repos.sections.list(t.id, { limit: 2, afterId: first.lastId! });
      expect(rest.items).toEqual(rows.slice(2));
      expect(rest.lastId).toBeNull();
      expect((await repos.sections.list(other.id, { limit: 10 })).items).toEqual([]);
    });

    it('names are unique per tenant: name_taken on create (also raced) and on rename, nothing written', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const a = sectionRow(t.id, { name: 'alpha' });
      const b = sectionRow(t.id, { name: 'beta' });
      await repos.sections.create(a, { audit: auditRow(t.id) });
      await repos.sections.create(b, { audit: auditRow(t.id) });
      await repos.sections.create(sectionRow(other.id, { name: 'alpha' }), { audit: auditRow(other.id) });
      const audits = await auditCount(t.id);
      expect(await repos.sections.create(sectionRow(t.id, { name: 'alpha' }), { audit: auditRow(t.id) })).toEqual({ kind: 'name_taken' });
      expect(await repos.sections.update({ ...b, name: 'alpha', version: 2 }, 1, { audit: auditRow(t.id) })).toEqual({ kind: 'name_taken' });
      expect(await repos.sections.findById(t.id, b.id)).toEqual(b);
      expect(await auditCount(t.id)).toBe(audits);
      const results = await Promise.all([0, 1, 2, 3].map(() => repos.sections.create(sectionRow(t.id, { name: 'gamma' }), { audit: auditRow(t.id) })));
      expect(results.filter((r) => r.kind === 'done')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'name_taken')).toHaveLength(3);
    });

    it('updates only at the expected version, writing its effects in the same transaction', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const s = sectionRow(t.id, { description: 'before' });
      await repos.sections.create(s, { audit: auditRow(t.id) });
      const audits = await auditCount(t.id);
      const next = { ...s, name: 'renamed', description: null, version: 2, updatedAt: new Date(s.updatedAt.getTime() + 1000) };
      expect(await repos.sections.update(next, 1, { audit: auditRow(t.id, { action: 'section.update' }) })).toEqual({ kind: 'done' });
      expect(await repos.sections.findById(t.id, s.id)).toEqual(next);
      expect(await auditCount(t.id)).toBe(audits + 1);
      expect(await repos.sections.update({ ...next, description: 'lost', version: 2 }, 1, { audit: auditRow(t.id) })).toEqual({ kind: 'version_conflict', currentVersion: 2 });
      expect(await repos.sections.update({ ...next, tenantId: other.id, version: 3 }, 2, { audit: auditRow(other.id) })).toEqual({ kind: 'not_found' });
      expect(await repos.sections.findById(t.id, s.id)).toEqual(next);
      expect(await auditCount(t.id)).toBe(audits + 1);
    });

    it('deletes only at the expected version; its agents stay without a section, its enrollment secrets go with it', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const s = sectionRow(t.id);
      await repos.sections.create(s, { audit: auditRow(t.id) });
      const ofSection = secretRow(t.id, { sectionId: s.id });
      const tenantWide = secretRow(t.id);
      await repos.enrollmentSecrets.create(ofSection, { audit: auditRow(t.id) });
      await repos.enrollmentSecrets.create(tenantWide, { audit: auditRow(t.id) });
      const agent = agentRow(t.id, { sectionId: s.id });
      await repos.agents.insert(agent, {});
      expect(await repos.sections.delete(other.id, s.id, 1, { audit: auditRow(other.id) })).toEqual({ kind: 'not_found' });
      expect(await repos.sections.delete(t.id, s.id, 7, { audit: auditRow(t.id) })).toEqual({ kind: 'version_conflict', currentVersion: 1 });
      expect(await repos.sections.findById(t.id, s.id)).not.toBeNull();
      const audits = await auditCount(t.id);
      expect(await repos.sections.delete(t.id, s.id, 1, { audit: auditRow(t.id, { action: 'section.delete' }) })).toEqual({ kind: 'done' });
      expect(await auditCount(t.id)).toBe(audits + 1);
      expect(await repos.sections.findById(t.id, s.id)).toBeNull();
      expect(await repos.enrollmentSecrets.findByHash(ofSection.secretHash)).toBeNull();
      expect(await repos.enrollmentSecrets.findByHash(tenantWide.secretHash)).toEqual(tenantWide);
      expect(await repos.agents.findById(t.id, agent.id)).toMatchObject({ id: agent.id, sectionId: null });
      expect(await repos.sections.delete(t.id, s.id, 1, { audit: auditRow(t.id) })).toEqual({ kind: 'not_found' });
    });
  });

  describe('enrollment secrets', () => {
    it('stores the hash, finds by hash (any tenant) and by id (own tenant only)', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const row = secretRow(t.id, { expiresAt: new Date('2032-01-01T00:00:00.123Z') });
      await repos.enrollmentSecrets.create(row, { audit: auditRow(t.id) });
      expect(await repos.enrollmentSecrets.findByHash(row.secretHash)).toEqual(row);
      const found = await repos.enrollmentSecrets.findById(t.id, row.id);
      expect(found).toEqual(row);
      expect(found?.expiresAt?.toISOString()).toBe('2032-01-01T00:00:00.123Z');
      expect(await repos.enrollmentSecrets.findById(other.id, row.id)).toBeNull();
      expect(await repos.enrollmentSecrets.findByHash('0'.repeat(64))).toBeNull();
      await expect(repos.enrollmentSecrets.create({ ...secretRow(t.id), secretHash: row.secretHash }, { audit: auditRow(t.id) })).rejects.toThrow();
    });

    it('refuses a section of another tenant (not_found) and writes nothing', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const foreign = sectionRow(other.id);
      await repos.sections.create(foreign, { audit: auditRow(other.id) });
      const audits = await auditCount(t.id);
      const row = secretRow(t.id, { sectionId: foreign.id });
      expect(await repos.enrollmentSecrets.create(row, { audit: auditRow(t.id) })).toEqual({ kind: 'not_found' });
      expect(await repos.enrollmentSecrets.create(secretRow(t.id, { sectionId: newId() }), { audit: auditRow(t.id) })).toEqual({ kind: 'not_found' });
      expect(await repos.enrollmentSecrets.findByHash(row.secretHash)).toBeNull();
      expect(await auditCount(t.id)).toBe(audits);
    });

    it('lists in id order, hides revoked ones unless asked, revokes idempotently and never across tenants', async () => {
      const t = await newTenant();
      const other = await newTenant();
      const rows = [secretRow(t.id), secretRow(t.id), secretRow(t.id)];
      for (const row of rows) await repos.enrollmentSecrets.create(row, { audit: auditRow(t.id) });
      const page = await repos.enrollmentSecrets.list(t.id, { limit: 2 }, false);
      expect(page.items.map((x) => x.id)).toEqual(rows.slice(0, 2).map((x) => x.id));
      expect((await repos.enrollmentSecrets.list(t.id, { limit: 2, afterId: page.lastId! }, false)).items.map((x) => x.id)).toEqual([rows[2]!.id]);
      expect(await repos.enrollmentSecrets.revoke(other.id, rows[0]!.id, new Date(), { audit: auditRow(other.id) })).toEqual({ kind: 'not_found' });
      const at = new Date('2030-06-06T06:06:06.006Z');
      const revoked = await repos.enrollmentSecrets.revoke(t.id, rows[0]!.id, at, { audit: auditRow(t.id, { action: 'enroll_secret.revoke' }) });
      expect(revoked.kind === 'done' && revoked.value.revokedAt?.toISOString()).toBe(at.toISOString());
      const again = await repos.enrollmentSecrets.revoke(t.id, rows[0]!.id, new Date(), { audit: auditRow(t.id, { action: 'enroll_secret.revoke' }) });
      expect(again.kind === 'done' && again.value.revokedAt?.toISOString()).toBe(at.toISOString());
      expect((await repos.audit.list(t.id, { action: 'enroll_secret.revoke' }, { limit: 10 })).items).toHaveLength(1);
      expect((await repos.enrollmentSecrets.list(t.id, { limit: 10 }, false)).items).toHaveLength(2);
      expect((await repos.enrollmentSecrets.list(t.id, { limit: 10 }, true)).items).toHaveLength(3);
    });

    it('records last use', async () => {
      const t = await newTenant();
      const row = secretRow(t.id);
      await repos.enrollmentSecrets.create(row, { audit: auditRow(t.id) });
      const at = new Date('2030-01-01T00:00:00.000Z');
      await repos.enrollmentSecrets.touchLastUsed(row.id, at);
      expect((await repos.enrollmentSecrets.findById(t.id, row.id))?.lastUsedAt?.toISOString()).toBe(at.toISOString());
    });
  });
});
