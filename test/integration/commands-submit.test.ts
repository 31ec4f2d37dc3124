/** Commands end to end over real HTTP: submit and targeting, idempotency, listing and reading; SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { commandsFixture, RUNS_ALL, run } from '../helpers/commands-fixture.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('commands: submit on %s', (dialect) => {
  const c = commandsFixture(dialect);
  const { agents, submit, create, poll, commandCount, drain } = c;

  describe('submit', () => {
    it('fans out by agent ids, section and tags; agents lacking the type are skipped', async () => {
      const byIds = await c.s.client.POST('/api/v1/commands', {
        body: { type: 'run_command', payload: { ...run, args: ['-p'], env: { LANG: 'C' } }, targets: { agentIds: [agents.web1!.agentId, agents.old1!.agentId] }, ttlSec: 600 },
      });
      expect(byIds.response.status).toBe(201);
      const created = byIds.data!;
      expect(byIds.response.headers.get('location')).toBe(`/api/v1/commands/${created.command.id}`);
      expect(created.command).toMatchObject({ type: 'run_command', ttlSec: 600, notBefore: null, counts: { pending: 1, skipped: 1, delivered: 0 } });
      const states = Object.fromEntries(created.executions.map((e: { agentId: string; state: string; reason: string | null }) => [e.agentId, [e.state, e.reason]]));
      expect(states).toEqual({ [agents.web1!.agentId]: ['pending', null], [agents.old1!.agentId]: ['skipped', 'capability_missing'] });

      const bySection = await create({ type: 'update_agent', payload: { version: '2.0.0', url: 'https://example.com/agent', sha256: 'a'.repeat(64) }, targets: { sectionId: c.sectionId }, ttlSec: 60 });
      expect(bySection.executions.map((e: { agentId: string }) => e.agentId).sort()).toEqual([agents.web1!.agentId, agents.web2!.agentId].sort());

      const byTags = await create({ type: 'update_package', payload: { name: 'nginx', action: 'upgrade' }, targets: { tags: ['web', 'db'] }, ttlSec: 60 });
      const tagged = Object.fromEntries(byTags.executions.map((e: { agentId: string; state: string }) => [e.agentId, e.state]));
      expect(tagged).toEqual({ [agents.web1!.agentId]: 'pending', [agents.web2!.agentId]: 'pending', [agents.db1!.agentId]: 'skipped', [agents.old1!.agentId]: 'skipped' });
      expect(byTags.command.counts).toMatchObject({ pending: 2, skipped: 2 });
      await drain();
    });

    it('rejects unknown types, mismatched payloads, empty and foreign targets, creating nothing', async () => {
      const before = await commandCount();
      const other = await tenantWithToken(c.s.repos, 'admin');
      const foreignSection = (await c.s.clientFor(other.secret).POST('/api/v1/sections', { body: { name: 'elsewhere' } })).data!.id;
      const foreignAgent = (await enrollAgent(c.s.clientFor(other.secret), await enrollmentSecret(c.s.clientFor(other.secret)), { capabilities: RUNS_ALL })).agentId;
      const cases: [Record<string, unknown>, number][] = [
        [{ type: 'reboot', payload: run, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: { name: 'nginx', action: 'install' }, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'update_package', payload: { name: 'nginx', action: 'purge' }, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: run, targets: { tags: ['web'], sectionId: c.sectionId }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: run, targets: {}, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: run, targets: { tags: ['nobody'] }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: run, targets: { agentIds: [foreignAgent] }, ttlSec: 60 }, 404],
        [{ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, foreignAgent] }, ttlSec: 60 }, 404],
        [{ type: 'run_command', payload: run, targets: { sectionId: foreignSection }, ttlSec: 60 }, 404],
        [{ type: 'run_command', payload: run, targets: { tags: ['web'] }, ttlSec: 0 }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await submit(body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect(await commandCount()).toBe(before);
      expect((await poll('web1')).data!.commands).toEqual([]);
    });

    it('replays with the same Idempotency-Key; viewers may read but not send', async () => {
      const body = { type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 };
      const send = () =>
        c.s.client.POST('/api/v1/commands', { params: { header: { 'Idempotency-Key': 'cmd-key-1' } }, body: { type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 } });
      const first = await send();
      const again = await send();
      expect(again.response.status).toBe(201);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.data!.command.id).toBe(first.data!.command.id);
      const viewer = (await c.s.client.POST('/api/v1/tokens', { body: { name: 'v', role: 'viewer' } })).data!.secret;
      const operator = (await c.s.client.POST('/api/v1/tokens', { body: { name: 'o', role: 'operator' } })).data!.secret;
      expect((await submit(body, viewer)).status).toBe(403);
      expect((await submit(body, operator)).status).toBe(201);
      expect((await c.s.clientFor(viewer).GET('/api/v1/commands')).response.status).toBe(200);
      await drain();
    });
  });
  describe('read', () => {
    it('lists with filters and cursor, reads counts and executions; other tenants see nothing', async () => {
      const a = await create({ type: 'update_package', payload: { name: 'curl', action: 'install', version: '8.0' }, targets: { agentIds: [agents.db1!.agentId, agents.old1!.agentId] }, ttlSec: 60 });
      const b = await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60 });
      const byType = (await c.s.client.GET('/api/v1/commands', { params: { query: { type: 'update_package', limit: 1000 } } })).data!.items;
      expect(byType.every((c) => c.type === 'update_package')).toBe(true);
      expect(byType[0]!.id).toBe(a.command.id);
      const byAgent = (await c.s.client.GET('/api/v1/commands', { params: { query: { agentId: agents.web2!.agentId, status: 'pending' } } })).data!.items;
      expect(byAgent.map((c) => c.id)).toEqual([b.command.id]);
      const skipped = (await c.s.client.GET('/api/v1/commands', { params: { query: { status: 'skipped', agentId: agents.db1!.agentId } } })).data!.items;
      expect(skipped.map((c) => c.id)).toContain(a.command.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const { data } = await c.s.client.GET('/api/v1/commands', { params: { query: { limit: 2, cursor } } });
        seen.push(...data!.items.map((c) => c.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen[0]).toBe(b.command.id);
      expect(seen.length).toBe(await commandCount());
      expect(new Set(seen).size).toBe(seen.length);

      const got = (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: b.command.id } } })).data!;
      expect(got).toEqual(b.command);
      const execs = await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: a.command.id }, query: { limit: 1 } } });
      expect(execs.data!.items).toHaveLength(1);
      const rest = await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: a.command.id }, query: { cursor: execs.data!.nextCursor! } } });
      expect([...execs.data!.items, ...rest.data!.items].map((e) => e.agentId).sort()).toEqual([agents.db1!.agentId, agents.old1!.agentId].sort());

      const other = c.s.clientFor((await tenantWithToken(c.s.repos, 'admin')).secret);
      expect((await other.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: b.command.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: b.command.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/commands')).data!.items).toEqual([]);
      await drain();
    });
  });
});
