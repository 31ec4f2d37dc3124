/** Inventory through the ingest repository (snapshots, software, changes, events), run unchanged on SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import type { InventoryDiffer } from '../../src/domain/inventory.ts';
import { newId } from '../../src/services/ids.ts';
import { at, plus, DAY, sample, item, submission, differ, newTenantAndAgent } from '../helpers/ingest-fixtures.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('inventory repositories on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const tenantAndAgent = () => newTenantAndAgent(suite);

  describe('inventory', () => {
    const t1 = at('2030-04-01T00:00:00.000Z');
    const t2 = at('2030-04-02T00:00:00.000Z');
    const t3 = at('2030-04-03T00:00:00.000Z');

    it('stores a first snapshot with its software, changes and events', async () => {
      const { t, a } = await tenantAndAgent();
      const receivedAt = at('2030-04-01T00:00:05.000Z');
      const inv = submission(t1, [
        { name: 'openssl', version: '1.0' },
        { name: 'bash', version: '5.2' },
      ]);
      expect(await suite.repos.ingest.writeBatch([item(t, a, [], inv, receivedAt)], differ)).toEqual({ samplesWritten: 0, inventoriesWritten: 1, changesWritten: 3 });
      expect(await suite.repos.inventory.get(t, a)).toEqual({ tenantId: t, agentId: a, collectedAt: t1, receivedAt, snapshot: inv.snapshot, hash: inv.hash });
      const changes = (await suite.repos.inventory.listChanges(t, a, { limit: 10 })).items;
      expect(changes.map((c) => [c.kind, c.name, c.before, c.after]).sort()).toEqual([
        ['hardware_changed', 'cpu', null, { cores: 4 }],
        ['software_installed', 'bash', null, '5.2'],
        ['software_installed', 'openssl', null, '1.0'],
      ]);
      expect(changes.every((c) => c.tenantId === t && c.agentId === a && c.collectedAt.getTime() === t1.getTime())).toBe(true);
      expect((await suite.repos.inventory.softwareInstalls(t, { name: 'openssl' }, { limit: 10 })).items).toEqual([{ agentId: a, name: 'openssl', version: '1.0' }]);
      const { events } = await suite.repos.events.list(t, 0, 10);
      expect(events.map((e) => [e.type, e.resourceId, e.data])).toEqual([['inventory_changed', a, { changes: 3 }]]);
    });

    it('replaces the software rows with a newer snapshot, and skips a stale one', async () => {
      const { t, a } = await tenantAndAgent();
      await suite.repos.ingest.writeBatch(
        [
          item(
            t,
            a,
            [],
            submission(t1, [
              { name: 'openssl', version: '1.0' },
              { name: 'bash', version: '5.2' },
            ]),
          ),
        ],
        differ,
      );
      const newer = submission(
        t2,
        [
          { name: 'openssl', version: '3' },
          { name: 'vim', version: '9.1' },
        ],
        { cpu: { cores: 8 } },
      );
      expect(await suite.repos.ingest.writeBatch([item(t, a, [], newer)], differ)).toEqual({ samplesWritten: 0, inventoriesWritten: 1, changesWritten: 4 });
      const installs = async (name: string) => (await suite.repos.inventory.softwareInstalls(t, { name }, { limit: 10 })).items;
      expect(await installs('openssl')).toEqual([{ agentId: a, name: 'openssl', version: '3' }]);
      expect(await installs('vim')).toEqual([{ agentId: a, name: 'vim', version: '9.1' }]);
      expect(await installs('bash')).toEqual([]);
      const page = await suite.repos.inventory.listChanges(t, a, { limit: 4 });
      // JSON strings that look like numbers stay strings.
      expect(page.items.map((c) => [c.kind, c.name, c.before, c.after]).sort()).toEqual([
        ['hardware_changed', 'cpu', { cores: 4 }, { cores: 8 }],
        ['software_installed', 'vim', null, '9.1'],
        ['software_removed', 'bash', '5.2', null],
        ['software_upgraded', 'openssl', '1.0', '3'],
      ]);

      const stale = submission(t1, [{ name: 'old', version: '1' }]);
      expect(await suite.repos.ingest.writeBatch([item(t, a, [], stale)], differ)).toEqual({ samplesWritten: 0, inventoriesWritten: 0, changesWritten: 0 });
      expect((await suite.repos.inventory.get(t, a))?.collectedAt).toEqual(t2);
      expect(await installs('old')).toEqual([]);
      expect((await suite.repos.events.list(t, 0, 10)).events).toHaveLength(2);
    });

    it('applies several snapshots of one agent in one batch in order', async () => {
      const { t, a } = await tenantAndAgent();
      const batch = [
        item(t, a, [], submission(t1, [{ name: 'nginx', version: '1.24' }])),
        item(t, a, [], submission(t3, [{ name: 'nginx', version: '1.26' }])),
        item(t, a, [], submission(t2, [{ name: 'nginx', version: '1.25' }])), // older than the one before it: skipped
      ];
      expect(await suite.repos.ingest.writeBatch(batch, differ)).toEqual({ samplesWritten: 0, inventoriesWritten: 2, changesWritten: 3 });
      const changes = (await suite.repos.inventory.listChanges(t, a, { limit: 10 })).items;
      expect(changes.map((c) => [c.kind, c.before, c.after])).toEqual([
        ['software_upgraded', '1.24', '1.26'],
        ['hardware_changed', null, { cores: 4 }],
        ['software_installed', null, '1.24'],
      ]);
      expect((await suite.repos.inventory.get(t, a))?.collectedAt).toEqual(t3);
      expect(await suite.repos.inventory.softwareVersions(t, { name: 'nginx' })).toEqual([{ version: '1.26', agents: 1 }]);
      expect((await suite.repos.events.list(t, 0, 10)).events.map((e) => e.data)).toEqual([{ changes: 2 }, { changes: 1 }]);
    });

    it('pages changes newest first with a cursor', async () => {
      const { t, a } = await tenantAndAgent();
      const packages = Array.from({ length: 5 }, (_, i) => ({ name: `pkg-${i}`, version: '1' }));
      await suite.repos.ingest.writeBatch([item(t, a, [], submission(t1, packages, {}))], differ);
      await suite.repos.ingest.writeBatch([item(t, a, [], submission(t2, packages.slice(0, 3), {}))], differ);
      const all = (await suite.repos.inventory.listChanges(t, a, { limit: 100 })).items;
      expect(all).toHaveLength(7);
      expect(all.map((c) => c.id)).toEqual(
        all
          .map((c) => c.id)
          .sort()
          .reverse(),
      );
      expect(all.slice(0, 2).map((c) => c.kind)).toEqual(['software_removed', 'software_removed']);
      const seen: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await suite.repos.inventory.listChanges(t, a, { limit: 3, afterId });
        seen.push(...page.items.map((c) => c.id));
        if (!page.lastId) break;
        expect(page.items).toHaveLength(3);
        expect(page.lastId).toBe(page.items[2]!.id);
        afterId = page.lastId;
      }
      expect(seen).toEqual(all.map((c) => c.id));
    });

    it('counts software versions across agents and pages installs by agent id', async () => {
      const t = (await suite.tenant()).id;
      const agents = (await Promise.all([1, 2, 3, 4].map(() => suite.agent(t)))).map((a) => a.id).sort();
      const versions = ['3.0', '3.0', '1.1', '2.0'];
      await suite.repos.ingest.writeBatch(
        agents.map((id, i) =>
          item(
            t,
            id,
            [],
            submission(t1, [
              { name: 'openssl', version: versions[i]! },
              { name: 'git', version: '2' },
            ]),
          ),
        ),
        differ,
      );
      expect(await suite.repos.inventory.softwareVersions(t, { name: 'openssl' })).toEqual([
        { version: '3.0', agents: 2 },
        { version: '1.1', agents: 1 },
        { version: '2.0', agents: 1 },
      ]);
      expect(await suite.repos.inventory.softwareVersions(t, { name: 'openssl', version: '1.1' })).toHaveLength(3);
      expect(await suite.repos.inventory.softwareVersions(t, { name: 'absent' })).toEqual([]);

      const first = await suite.repos.inventory.softwareInstalls(t, { name: 'openssl' }, { limit: 3 });
      expect(first).toEqual({ items: agents.slice(0, 3).map((agentId, i) => ({ agentId, name: 'openssl', version: versions[i] })), lastId: agents[2] });
      expect(await suite.repos.inventory.softwareInstalls(t, { name: 'openssl' }, { limit: 3, afterId: first.lastId! })).toEqual({
        items: [{ agentId: agents[3], name: 'openssl', version: '2.0' }],
        lastId: null,
      });
      expect(await suite.repos.inventory.softwareInstalls(t, { name: 'openssl', version: '3.0' }, { limit: 10 })).toEqual({
        items: agents.slice(0, 2).map((agentId) => ({ agentId, name: 'openssl', version: '3.0' })),
        lastId: null,
      });
    });

    it("skips the inventory of an agent that no longer exists, keeping the batch's samples", async () => {
      const { t, a } = await tenantAndAgent();
      const gone = newId();
      const t0 = at('2030-04-05T00:00:00.000Z');
      const result = await suite.repos.ingest.writeBatch(
        [item(t, gone, [sample(t, gone, 'cpu', t0, 1)], submission(t1, [{ name: 'x', version: '1' }])), item(t, a, [], submission(t1, [{ name: 'x', version: '1' }]))],
        differ,
      );
      expect(result).toEqual({ samplesWritten: 1, inventoriesWritten: 1, changesWritten: 2 });
      expect(await suite.repos.inventory.get(t, gone)).toBeNull();
      // An agent of another tenant is not written under this one.
      const other = await suite.tenant();
      expect((await suite.repos.ingest.writeBatch([item(other.id, a, [], submission(t2, []))], differ)).inventoriesWritten).toBe(0);
      expect((await suite.repos.inventory.get(t, a))?.collectedAt).toEqual(t1);
    });

    it('deletes an agent’s inventory with the agent, and prunes old change history', async () => {
      const { t, a } = await tenantAndAgent();
      const old = new Date(Date.now() - 400 * DAY);
      const oldDiffer: InventoryDiffer = (prev, next) => {
        const d = differ(prev, next);
        return d && { ...d, changes: d.changes.map((c) => ({ ...c, createdAt: old })) };
      };
      await suite.repos.ingest.writeBatch([item(t, a, [], submission(t1, [{ name: 'a', version: '1' }]))], oldDiffer);
      const b = await suite.agent(t);
      await suite.repos.ingest.writeBatch([item(t, b.id, [], submission(t1, [{ name: 'a', version: '1' }]))], differ);
      expect(await suite.repos.inventory.pruneChanges(plus(old, 1))).toBe(2);
      expect((await suite.repos.inventory.listChanges(t, a, { limit: 10 })).items).toEqual([]);
      expect((await suite.repos.inventory.listChanges(t, b.id, { limit: 10 })).items).toHaveLength(2);

      expect((await suite.repos.agents.delete(t, b.id, () => ({}))).kind).toBe('done');
      expect(await suite.repos.inventory.get(t, b.id)).toBeNull();
      expect((await suite.repos.inventory.listChanges(t, b.id, { limit: 10 })).items).toEqual([]);
      expect((await suite.repos.inventory.softwareInstalls(t, { name: 'a' }, { limit: 10 })).items.map((i) => i.agentId)).toEqual([a]);
    });
  });
});
