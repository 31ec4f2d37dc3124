/** Commands end to end over real HTTP: delivery exactly once, long-poll wake-up, ack; SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { commandsFixture, finished, RUNS_ALL, run } from '../helpers/commands-fixture.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('commands: delivery on %s', (dialect) => {
  const c = commandsFixture(dialect);
  const { agents, create, poll, ack, drain } = c;

  describe('delivery and ack', () => {
    it('delivers each execution once, even to concurrent polls, and audits and publishes the transitions', async () => {
      const { data: head } = await c.s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await create({ type: 'run_command', payload: { ...run, cmd: `job-${i}` }, targets: { agentIds: [agents.web1!.agentId] }, ttlSec: 60 })).command.id);
      const polls = await Promise.all(Array.from({ length: 6 }, () => poll('web1')));
      const got = polls.flatMap((p) => p.data!.commands.map((c) => c.commandId));
      expect(got.sort()).toEqual([...ids].sort());
      expect(polls.flatMap((p) => p.data!.commands).find((c) => c.commandId === ids[2])).toMatchObject({ type: 'run_command', payload: { cmd: 'job-2', timeoutSec: 30 } });
      expect((await poll('web1')).data!.commands).toEqual([]);
      const cmd = (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: ids[0]! } } })).data!;
      expect(cmd.counts).toMatchObject({ pending: 0, delivered: 1 });
      const events = (await c.s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_created', 'command_execution_updated'] } } })).data!.events;
      expect(events.filter((e) => e.type === 'command_created').map((e) => e.resourceId)).toEqual(ids);
      expect(
        events
          .filter((e) => e.type === 'command_execution_updated' && e.data.state === 'delivered')
          .map((e) => e.resourceId)
          .sort(),
      ).toEqual([...ids].sort());
      const audit = (await c.s.client.GET('/api/v1/audit', { params: { query: { resourceId: ids[0]! } } })).data!.items;
      expect(audit.map((e) => e.action)).toEqual(['command.create']);
    });

    it('holds an offline agent’s execution until it polls, and not before notBefore', async () => {
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const deferred = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60, notBefore: later })).command;
      expect(deferred.notBefore).toBe(later);
      expect(new Date(deferred.expiresAt).getTime()).toBe(new Date(later).getTime() + 60_000);
      const now = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60 })).command;
      expect((await poll('web2')).data!.commands.map((c) => c.commandId)).toEqual([now.id]);
      expect((await poll('web2')).data!.commands).toEqual([]);
    });

    it('wakes a parked poll as soon as a command is created', async () => {
      await drain();
      const started = Date.now();
      const parked = poll('db1', 20);
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = Date.now();
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      const res = await parked;
      expect(res.data!.commands.map((c) => c.commandId)).toEqual([id]);
      expect(Date.now() - sentAt).toBeLessThan(2_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      const metrics = await (await c.s.fetch('/metrics')).text();
      expect(metrics).toMatch(/^command_pollers_parked 0$/m);
      expect(Number(/^command_executions_delivered_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/^command_delivery_latency_seconds_count [1-9]/m);
    });

    it('hands a command to a poll parked here in its own commit: delivered in the 201, answered once, published', async () => {
      await drain();
      const { data: head } = await c.s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const parkedNow = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await (await c.s.fetch('/metrics')).text())?.[1]);
      const parked = poll('db1', 20);
      for (let i = 0; i < 50 && (await parkedNow()) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
      const created = await create({ type: 'run_command', payload: run, targets: { tags: ['db', 'web'] }, ttlSec: 60 });
      const stateOf = (name: string) => created.executions.find((e) => e.agentId === agents[name]!.agentId)?.state;
      // db1 was parked: its execution was stored delivered; web1 and web2 were not polling; old1 cannot run it.
      expect([stateOf('db1'), stateOf('web1'), stateOf('web2'), stateOf('old1')]).toEqual(['delivered', 'pending', 'pending', 'skipped']);
      expect(created.command.counts).toMatchObject({ delivered: 1, pending: 2, skipped: 1 });
      expect((await parked).data!.commands.map((c) => c.commandId)).toEqual([created.command.id]);
      expect((await poll('db1')).data!.commands).toEqual([]);
      expect((await poll('web1')).data!.commands.map((c) => c.commandId)).toEqual([created.command.id]);
      const events = (await c.s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_execution_updated'] } } })).data!.events;
      expect(
        events
          .filter((e) => e.resourceId === created.command.id && e.data.state === 'delivered')
          .map((e) => e.data.agentId)
          .sort(),
      ).toEqual([agents.db1!.agentId, agents.web1!.agentId].sort());
      await drain();
      // A command held back by a concurrency limit is not handed over: the parked poll is woken and takes it itself.
      const limitedPoll = poll('db1', 20);
      for (let i = 0; i < 50 && (await parkedNow()) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
      const limited = await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60, rollout: { maxConcurrency: 1 } });
      expect(limited.executions.map((e) => e.state)).toEqual(['pending']);
      expect((await limitedPoll).data!.commands.map((c) => c.commandId)).toEqual([limited.command.id]);
    });

    it('wakes a parked poll when a deferred command becomes due, whether created before or during the wait', async () => {
      await drain();
      const deferred = async (inMs: number) => {
        const notBefore = new Date(Date.now() + inMs);
        return { id: (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60, notBefore: notBefore.toISOString() })).command.id, notBefore };
      };
      const early = await deferred(700); // exists before the poll parks
      const first = await poll('db1', 20);
      expect(first.data!.commands.map((c) => c.commandId)).toEqual([early.id]);
      expect(Date.now()).toBeGreaterThanOrEqual(early.notBefore.getTime());
      expect(Date.now() - early.notBefore.getTime()).toBeLessThan(500);

      const parked = poll('db1', 20);
      await new Promise((r) => setTimeout(r, 200));
      const late = await deferred(600); // created while the poll is parked
      const second = await parked;
      expect(second.data!.commands.map((c) => c.commandId)).toEqual([late.id]);
      expect(Date.now()).toBeGreaterThanOrEqual(late.notBefore.getTime());
      expect(Date.now() - late.notBefore.getTime()).toBeLessThan(500);
    });

    it('a client that closes its parked poll releases the wait, and the command goes to its next poll', async () => {
      await drain();
      const parkedNow = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await (await c.s.fetch('/metrics')).text())?.[1]);
      const gone = new AbortController();
      const abandoned = fetch(`${c.s.url}/api/v1/agent/${agents.db1!.agentId}/commands?wait=30`, { headers: { authorization: `Bearer ${agents.db1!.apiKey}` }, signal: gone.signal });
      for (let i = 0; i < 50 && (await parkedNow()) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await parkedNow()).toBe(1);
      gone.abort();
      await expect(abandoned).rejects.toThrow();
      for (let i = 0; i < 150 && (await parkedNow()) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await parkedNow()).toBe(0);
      // Nothing was delivered to the poll that went away: the next poll gets the command.
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      expect((await poll('db1')).data!.commands.map((c) => c.commandId)).toEqual([id]);
    });

    it('a parked poll not woken answers empty at the end of its wait', async () => {
      const started = Date.now();
      const res = await poll('web2', 1);
      expect(res.data!.commands).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('acks once; the same ack again is fine, another final state is 409, another agent is 404', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, agents.web2!.agentId] }, ttlSec: 60 })).command.id;
      expect((await ack('web1', id, finished)).status).toBe(409);
      await poll('web1');
      const first = await ack('web1', id, { ...finished, status: 'failed', exitCode: 3, error: 'exit 3' });
      expect(first.status).toBe(200);
      expect(JSON.parse(await first.text())).toMatchObject({ state: 'failed', exitCode: 3, error: 'exit 3', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' });
      expect((await ack('web1', id, { ...finished, status: 'failed', exitCode: 3, error: 'exit 3' })).status).toBe(200);
      const conflict = await ack('web1', id, finished);
      expect(conflict.status).toBe(409);
      expect(await conflict.text()).toContain('"state":"failed"');
      const other = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      expect((await ack('web1', other, finished)).status).toBe(404);
      expect((await ack('web1', '00000000-0000-7000-8000-000000000000', finished)).status).toBe(404);
      const wrongPath = await c.s.fetch(`/api/v1/agent/${agents.db1!.agentId}/commands/${other}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agents.web1!.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(finished),
      });
      expect(wrongPath.status).toBe(403);
      const detail = (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!;
      expect(detail.counts).toMatchObject({ failed: 1, pending: 1 });
      const audit = (await c.s.client.GET('/api/v1/audit', { params: { query: { resourceId: id } } })).data!.items;
      expect(audit.map((e) => e.action).sort()).toEqual(['command.ack', 'command.create']);
      const otherTenantAgent = await tenantWithToken(c.s.repos, 'admin');
      const foreign = await enrollAgent(c.s.clientFor(otherTenantAgent.secret), await enrollmentSecret(c.s.clientFor(otherTenantAgent.secret)), { capabilities: RUNS_ALL });
      const foreignAck = await c.s.fetch(`/api/v1/agent/${foreign.agentId}/commands/${id}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${foreign.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(finished),
      });
      expect(foreignAck.status).toBe(404);
      const foreignPoll = await c.s.clientFor(foreign.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: foreign.agentId } } });
      expect(foreignPoll.data!.commands).toEqual([]);
    });
  });
});
