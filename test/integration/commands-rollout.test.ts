/** Commands end to end over real HTTP: cancel, expiry and rollout limits; SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { commandsFixture, run, finished } from '../helpers/commands-fixture.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('commands: rollout on %s', (dialect) => {
  const c = commandsFixture(dialect);
  const { agents, submit, create, poll, ack, upload, drain } = c;

  describe('lifecycle', () => {
    const cancel = (commandId: string, token = c.s.adminToken) => c.s.clientFor(token).POST('/api/v1/commands/{commandId}/cancel', { params: { path: { commandId } } });

    it('cancels what is pending and flags what was delivered; the agent is told by its poll and uploads', async () => {
      await drain();
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, agents.web2!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web1');
      const viewer = (await c.s.client.POST('/api/v1/tokens', { body: { name: 'cv', role: 'viewer' } })).data!.secret;
      expect((await cancel(id, viewer)).response.status).toBe(403);
      expect((await cancel(id, (await tenantWithToken(c.s.repos, 'admin')).secret)).response.status).toBe(404);
      const res = await cancel(id);
      expect(res.response.status).toBe(200);
      expect(res.data!.counts).toMatchObject({ pending: 0, cancelled: 1, delivered: 1 });
      const execs = (await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items;
      expect(Object.fromEntries(execs.map((e) => [e.agentId, [e.state, e.reason, e.cancelRequested]]))).toEqual({
        [agents.web1!.agentId]: ['delivered', null, true],
        [agents.web2!.agentId]: ['cancelled', 'cancelled', false],
      });
      expect((await poll('web2')).data).toEqual({ commands: [], cancel: [] });
      expect((await poll('web1')).data).toEqual({ commands: [], cancel: [id] });
      expect(JSON.parse(await (await upload('web1', id, [{ offset: 0, stream: 'stdout', data: 'stopping' }])).text())).toMatchObject({ cancelRequested: true, state: 'running' });
      expect((await ack('web1', id, { ...finished, status: 'failed', exitCode: 143 })).status).toBe(200);
      expect((await poll('web1')).data).toEqual({ commands: [], cancel: [] });
      expect((await cancel(id)).data!.counts).toMatchObject({ cancelled: 1, failed: 1 });
      const audit = (await c.s.client.GET('/api/v1/audit', { params: { query: { resourceId: id } } })).data!.items;
      expect(audit.filter((e) => e.action === 'command.cancel')).toHaveLength(1);
    });

    it('a cancel wakes the parked poll of an agent running the command', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      expect((await poll('db1')).data!.commands.map((c) => c.commandId)).toEqual([id]);
      const parked = poll('db1', 20);
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = Date.now();
      await cancel(id);
      expect((await parked).data!.cancel).toEqual([id]);
      expect(Date.now() - sentAt).toBeLessThan(2_000);
      await ack('db1', id, { ...finished, status: 'failed', exitCode: 143 });
    });

    it('expires executions still pending or delivered when the TTL passes', async () => {
      const { data: head } = await c.s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, agents.web2!.agentId] }, ttlSec: 1 })).command.id;
      await poll('web1');
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await poll('web2')).data!.commands).toEqual([]);
      let counts = (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!.counts;
      for (let i = 0; i < 40 && counts.expired < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        counts = (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!.counts;
      }
      expect(counts).toMatchObject({ expired: 2, pending: 0, delivered: 0 });
      const execs = (await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items;
      expect(execs.every((e) => e.reason === 'ttl')).toBe(true);
      expect((await ack('web1', id, finished)).status).toBe(409);
      const events = (await c.s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_execution_updated'] } } })).data!.events;
      expect(events.filter((e) => e.resourceId === id && e.data.state === 'expired')).toHaveLength(2);
    });
  });
  describe('rollout', () => {
    const trio = ['web1', 'web2', 'db1'] as const;
    const rollout = async (limits: { maxConcurrency?: number | string; maxErrors?: number | string }) => {
      await drain();
      return (await create({ type: 'run_command', payload: run, targets: { agentIds: trio.map((n) => agents[n]!.agentId) }, ttlSec: 60, rollout: limits })).command;
    };
    /** Which of the three agents got the command on this round of polls. */
    const pollAll = async (commandId: string) => {
      const got: string[] = [];
      for (const name of trio) if ((await poll(name)).data!.commands.some((c) => c.commandId === commandId)) got.push(name);
      return got;
    };
    const counts = async (commandId: string) => (await c.s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId } } })).data!.counts;

    it('releases at most maxConcurrency at once (a number), the next one as a slot frees', async () => {
      const command = await rollout({ maxConcurrency: 1 });
      expect(command.rollout).toEqual({ maxConcurrency: 1, maxErrors: null });
      const first = await pollAll(command.id);
      expect(first).toHaveLength(1);
      expect(await pollAll(command.id)).toEqual([]);
      await ack(first[0]!, command.id, finished);
      const second = await pollAll(command.id);
      expect(second).toHaveLength(1);
      expect(second[0]).not.toBe(first[0]);
      expect(await counts(command.id)).toMatchObject({ succeeded: 1, delivered: 1, pending: 1 });
    });

    it('wakes the parked polls of waiting agents when an ack frees a rollout slot', async () => {
      const command = await rollout({ maxConcurrency: 1 });
      const [first] = await pollAll(command.id);
      const others = trio.filter((n) => n !== first);
      const parked = others.map((n) => poll(n, 20));
      await new Promise((r) => setTimeout(r, 300));
      const ackedAt = Date.now();
      expect((await ack(first!, command.id, finished)).status).toBe(200);
      // One of the two parked agents gets the freed slot at once; the other, woken too, finds nothing and parks again.
      const winner = await Promise.race(parked.map(async (p, i) => ((await p).data!.commands.some((c) => c.commandId === command.id) ? others[i] : await new Promise<never>(() => {}))));
      expect(Date.now() - ackedAt).toBeLessThan(2_000);
      expect(others).toContain(winner);
      const events = (await c.s.client.GET('/api/v1/events', { params: { query: { limit: 1000, types: ['command_rollout_slot_freed'] } } })).data!.events;
      expect(events.filter((e) => e.resourceId === command.id).map((e) => e.data)).toEqual([{ agentId: agents[first!]!.agentId }]);
      await ack(winner!, command.id, finished);
      await Promise.all(parked);
    });

    it('resolves a percentage of concurrency against the executions that run, rounding up', async () => {
      const command = await rollout({ maxConcurrency: '50%' });
      expect(command.rollout).toEqual({ maxConcurrency: 2, maxErrors: null });
      expect(await pollAll(command.id)).toHaveLength(2);
      expect(await counts(command.id)).toMatchObject({ delivered: 2, pending: 1 });
    });

    it('stops past maxErrors (a number): the pending rest is cancelled with reason max_errors', async () => {
      const command = await rollout({ maxConcurrency: 1, maxErrors: 0 });
      const [first] = await pollAll(command.id);
      await ack(first!, command.id, { ...finished, status: 'failed', exitCode: 1 });
      expect(await pollAll(command.id)).toEqual([]);
      expect(await counts(command.id)).toMatchObject({ failed: 1, cancelled: 2, pending: 0 });
      const execs = (await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: command.id }, query: { state: 'cancelled' } } })).data!.items;
      expect(execs.map((e) => e.reason)).toEqual(['max_errors', 'max_errors']);
    });

    it('resolves a percentage of errors rounding down, and tolerates failures up to it', async () => {
      const command = await rollout({ maxConcurrency: 1, maxErrors: '50%' });
      expect(command.rollout).toEqual({ maxConcurrency: 1, maxErrors: 1 });
      const [first] = await pollAll(command.id);
      await ack(first!, command.id, { ...finished, status: 'timed_out', exitCode: null });
      const [second] = await pollAll(command.id);
      expect(second).toBeDefined();
      expect(await counts(command.id)).toMatchObject({ timed_out: 1, delivered: 1, pending: 1 });
      await ack(second!, command.id, { ...finished, status: 'failed', exitCode: 2 });
      expect(await pollAll(command.id)).toEqual([]);
      expect(await counts(command.id)).toMatchObject({ timed_out: 1, failed: 1, cancelled: 1, pending: 0 });
    });

    it('rejects malformed limits', async () => {
      for (const limits of [{ maxConcurrency: 0 }, { maxConcurrency: '0%' }, { maxConcurrency: '101%' }, { maxErrors: -1 }, { maxErrors: 'ten' }]) {
        const res = await submit({ type: 'run_command', payload: run, targets: { tags: ['web'] }, ttlSec: 60, rollout: limits });
        expect(res.status, JSON.stringify(limits)).toBe(400);
      }
    });
  });
});
