/** Commands end to end over real HTTP: output chunks, caps, the gauge, following output as Server-Sent Events; SQLite and Postgres. */
import { describe, expect, it } from 'vitest';
import { tenantWithToken } from '../factories/tenants.ts';
import { commandsFixture, run, finished } from '../helpers/commands-fixture.ts';
import { sseReader } from '../helpers/events.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('commands: output on %s', (dialect) => {
  const c = commandsFixture(dialect);
  const { agents, create, poll, ack, upload, output, drain } = c;

  describe('output', () => {
    it('stores chunks by offset, out of order and repeated, and assembles them; the first chunk means running', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId] }, ttlSec: 60 })).command.id;
      expect((await upload('web1', id, [{ offset: 0, stream: 'stdout', data: 'x' }])).status).toBe(409);
      await poll('web1');
      const late = await upload('web1', id, [{ offset: 6, stream: 'stdout', data: 'wörld\n' }]);
      expect(late.status).toBe(200);
      expect(JSON.parse(await late.text())).toEqual({ stored: 1, duplicates: 0, state: 'running', truncated: false, cancelRequested: false });
      expect(await output(id, 'web1')).toMatchObject({ data: '', nextOffset: 0, state: 'running' });
      await upload('web1', id, [
        { offset: 0, stream: 'stdout', data: 'hello ' },
        { offset: 0, stream: 'stderr', data: 'warn' },
      ]);
      expect(await output(id, 'web1')).toMatchObject({ data: 'hello wörld\n', nextOffset: 13, outputBytes: 17, storedBytes: 17, truncated: false });
      expect((await output(id, 'web1', { fromOffset: 6 })).data).toBe('wörld\n');
      expect((await output(id, 'web1', { stream: 'stderr' })).data).toBe('warn');
      const again = await upload('web1', id, [{ offset: 6, stream: 'stdout', data: 'wörld\n' }]);
      expect(JSON.parse(await again.text())).toMatchObject({ stored: 0, duplicates: 1 });
      const sameBytes = await upload('web1', id, [{ offset: 3, stream: 'stdout', data: 'lo w' }]);
      expect(sameBytes.status).toBe(200);
      const clash = await upload('web1', id, [
        { offset: 13, stream: 'stdout', data: 'fine' },
        { offset: 4, stream: 'stdout', data: 'X' },
      ]);
      expect(clash.status).toBe(409);
      expect(await clash.text()).toContain('"offset":4');
      expect(await output(id, 'web1')).toMatchObject({ data: 'hello wörld\n', outputBytes: 17 });
      const execution = (await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]!;
      expect(execution).toMatchObject({ state: 'running', outputBytes: 17, storedBytes: 17 });
    });

    it('exposes executions by state as a gauge read at scrape time', async () => {
      await drain();
      const gauge = async () => {
        const text = await (await c.s.fetch('/metrics')).text();
        const value = (state: string) => Number(new RegExp(`^command_executions\\{state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
        return { pending: value('pending'), delivered: value('delivered'), timedOut: value('timed_out') };
      };
      const before = await gauge();
      expect(before.timedOut).toBeGreaterThanOrEqual(0);
      await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 });
      expect(await gauge()).toMatchObject({ pending: before.pending + 1, delivered: before.delivered });
      await poll('db1');
      expect(await gauge()).toMatchObject({ pending: before.pending, delivered: before.delivered + 1 });
    });

    it('counts output past the cap without storing it, and says so', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web2');
      await upload('web2', id, [{ offset: 0, stream: 'stdout', data: 'a'.repeat(30) }]);
      const over = await upload('web2', id, [{ offset: 30, stream: 'stdout', data: 'b'.repeat(10) }]);
      expect(JSON.parse(await over.text())).toMatchObject({ stored: 1, truncated: true });
      expect(JSON.parse(await (await upload('web2', id, [{ offset: 30, stream: 'stdout', data: 'b'.repeat(10) }])).text())).toMatchObject({ stored: 0, duplicates: 1 });
      expect(await output(id, 'web2')).toMatchObject({ data: 'a'.repeat(30), nextOffset: 30, outputBytes: 40, storedBytes: 30, truncated: true });
      expect(Number(/^command_output_bytes_stored_total (\d+)$/m.exec(await (await c.s.fetch('/metrics')).text())?.[1])).toBeGreaterThanOrEqual(30);
      expect((await ack('web2', id, finished)).status).toBe(200);
      expect((await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]).toMatchObject({ state: 'succeeded', truncated: true, outputBytes: 40 });
    });

    it('refuses an upload over the per-request cap with a 413 problem and stores nothing of it', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web2');
      const big = await upload('web2', id, [
        { offset: 0, stream: 'stdout', data: 'e'.repeat(40) },
        { offset: 0, stream: 'stderr', data: 'é'.repeat(13) },
      ]);
      expect(big.status).toBe(413);
      expect(big.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.parse(await big.text())).toMatchObject({ type: 'https://agentry.dev/problems/payload-too-large', status: 413, limitBytes: 64 });
      expect(await output(id, 'web2')).toMatchObject({ data: '', outputBytes: 0, storedBytes: 0, truncated: false, state: 'delivered' });
      const execution = (await c.s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]!;
      expect(execution).toMatchObject({ state: 'delivered', outputBytes: 0 });
    });

    it('takes the cap from a policy that sets commands.maxOutputBytes for the agent', async () => {
      const policy = await c.s.client.POST('/api/v1/policies', {
        body: { name: 'small output', scope: 'agent', target: agents.db1!.agentId, priority: 100, body: { commands: { maxOutputBytes: 10 } } },
      });
      expect(policy.response.status).toBe(201);
      try {
        const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId, agents.web1!.agentId] }, ttlSec: 60 })).command.id;
        await poll('db1');
        await poll('web1');
        // Whole chunks are kept or counted: 8 bytes fit under the policy's 10, the next 8 do not.
        const chunks = [
          { offset: 0, stream: 'stdout' as const, data: 'c'.repeat(8) },
          { offset: 8, stream: 'stdout' as const, data: 'd'.repeat(8) },
        ];
        expect(JSON.parse(await (await upload('db1', id, chunks)).text())).toMatchObject({ truncated: true });
        expect(await output(id, 'db1')).toMatchObject({ data: 'c'.repeat(8), outputBytes: 16, storedBytes: 8, truncated: true });
        // web-1 has no such policy: the server's cap (32) still applies.
        expect(JSON.parse(await (await upload('web1', id, chunks)).text())).toMatchObject({ stored: 2, truncated: false });
        expect(await output(id, 'web1')).toMatchObject({ storedBytes: 16, truncated: false });
      } finally {
        await c.s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: policy.data!.id } } });
      }
    });

    it('follows new output as Server-Sent Events, resumes with Last-Event-ID, and ends with the execution', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web1');
      const path = `/api/v1/commands/${id}/executions/${agents.web1!.agentId}/output?follow=true`;
      const follow = (headers: Record<string, string> = {}) => c.s.fetch(path, { headers: { authorization: `Bearer ${c.s.adminToken}`, ...headers } });
      const res = await follow();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const first = sseReader(res);
      await upload('web1', id, [{ offset: 0, stream: 'stdout', data: 'abc' }]);
      await first.until((f) => f.some((x) => x.event === 'output'));
      await upload('web1', id, [{ offset: 6, stream: 'stdout', data: 'ghi' }]);
      await upload('web1', id, [{ offset: 3, stream: 'stdout', data: 'def' }]);
      await first.until((f) => f.filter((x) => x.event === 'output').length === 2);
      const outputs = first.frames.filter((x) => x.event === 'output');
      expect(outputs.map((x) => [x.id, JSON.parse(x.data!)])).toEqual([
        ['3', { stream: 'stdout', offset: 0, data: 'abc' }],
        ['9', { stream: 'stdout', offset: 3, data: 'defghi' }],
      ]);
      await first.cancel();

      const resumed = sseReader(await follow({ 'last-event-id': '3' }));
      await resumed.until((f) => f.some((x) => x.event === 'output'));
      expect(JSON.parse(resumed.frames.find((x) => x.event === 'output')!.data!)).toEqual({ stream: 'stdout', offset: 3, data: 'defghi' });
      await ack('web1', id, finished);
      await resumed.until((f) => f.some((x) => x.event === 'end'));
      expect(JSON.parse(resumed.frames.find((x) => x.event === 'end')!.data!)).toMatchObject({ state: 'succeeded', nextOffset: 9, outputBytes: 9 });
      await resumed.done;
      expect(resumed.ended).toBe(true);

      const other = (await tenantWithToken(c.s.repos, 'admin')).secret;
      expect((await c.s.fetch(path, { headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
    });

    it('is 404 for another agent or tenant, and changes nothing', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      await poll('db1');
      expect((await upload('web1', id, [{ offset: 0, stream: 'stdout', data: 'x' }])).status).toBe(404);
      expect(await output(id, 'db1')).toMatchObject({ data: '', state: 'delivered', outputBytes: 0 });
      const other = c.s.clientFor((await tenantWithToken(c.s.repos, 'admin')).secret);
      const foreign = await other.GET('/api/v1/commands/{commandId}/executions/{agentId}/output', { params: { path: { commandId: id, agentId: agents.db1!.agentId } } });
      expect(foreign.response.status).toBe(404);
      const tooMany = await upload(
        'db1',
        id,
        Array.from({ length: 101 }, (_, i) => ({ offset: i, stream: 'stdout' as const, data: 'x' })),
      );
      expect(tooMany.status).toBe(400);
    });
  });
});
