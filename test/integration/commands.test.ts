/** Commands end to end over real HTTP: submit and targeting, listing, delivery exactly once, long-poll wake-up, ack; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import type { Schema } from '../../src/handlers/presenters/schemas.ts';
import { sseReader } from '../helpers/events.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const RUNS_ALL = ['heartbeat', 'commands', 'run_command', 'update_agent', 'update_package'];
const run = { cmd: 'uptime', timeoutSec: 30 };

describe.each(dialects())('commands on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sectionId: string;
  /** web-1, web-2 in the section (tag web); db-1 (tag db) runs only run_command; old-1 (tag web) declares no command type. */
  const agents: Record<string, { agentId: string; apiKey: string }> = {};
  beforeAll(async () => {
    s = await startTestServer({
      dialect,
      config: (c) => {
        c.commands.maxOutputBytes = 32;
        c.commands.maxUploadBytes = 64;
        c.commands.expiryCheckIntervalSec = 1;
      },
    });
    sectionId = (await s.client.POST('/api/v1/sections', { body: { name: 'berlin' } })).data!.id;
    const inSection = await enrollmentSecret(s.client, sectionId);
    const plain = await enrollmentSecret(s.client);
    agents.web1 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL });
    agents.web2 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL });
    agents.db1 = await enrollAgent(s.client, plain, { tags: ['db'], capabilities: ['run_command'] });
    agents.old1 = await enrollAgent(s.client, plain, { tags: ['web'], capabilities: ['heartbeat'] });
  });
  afterAll(() => s.close());

  const submit = (body: Record<string, unknown>, token = s.adminToken, key?: string) =>
    s.fetch('/api/v1/commands', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
  /** A valid command, sent as the admin through the typed client. */
  const create = async (body: Schema<'CommandCreate'>) => {
    const { data, response } = await s.client.POST('/api/v1/commands', { body });
    if (response.status !== 201) throw new Error(`create command: ${response.status}`);
    return data!;
  };
  const poll = (name: string, wait = 0) => s.clientFor(agents[name]!.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: agents[name]!.agentId }, query: { wait } } });
  const ack = (name: string, commandId: string, body: Record<string, unknown>) =>
    s.fetch(`/api/v1/agent/${agents[name]!.agentId}/commands/${commandId}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agents[name]!.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const upload = (name: string, commandId: string, chunks: { offset: number; stream: 'stdout' | 'stderr'; data: string }[]) =>
    s.fetch(`/api/v1/agent/${agents[name]!.agentId}/commands/${commandId}/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agents[name]!.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chunks }),
    });
  const output = async (commandId: string, name: string, query: { stream?: 'stdout' | 'stderr'; fromOffset?: number } = {}) => {
    const { data } = await s.client.GET('/api/v1/commands/{commandId}/executions/{agentId}/output', { params: { path: { commandId, agentId: agents[name]!.agentId }, query } });
    if (data === undefined || typeof data === 'string') throw new Error('expected the JSON answer');
    return data;
  };
  const commandCount = async () => (await s.client.GET('/api/v1/commands', { params: { query: { limit: 1000 } } })).data!.items.length;
  const drain = async () => {
    for (const name of Object.keys(agents)) await poll(name);
  };
  const finished = { status: 'succeeded', exitCode: 0, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };

  describe('submit', () => {
    it('fans out by agent ids, section and tags; agents lacking the type are skipped', async () => {
      const byIds = await s.client.POST('/api/v1/commands', {
        body: { type: 'run_command', payload: { ...run, args: ['-p'], env: { LANG: 'C' } }, targets: { agentIds: [agents.web1!.agentId, agents.old1!.agentId] }, ttlSec: 600 },
      });
      expect(byIds.response.status).toBe(201);
      const created = byIds.data!;
      expect(byIds.response.headers.get('location')).toBe(`/api/v1/commands/${created.command.id}`);
      expect(created.command).toMatchObject({ type: 'run_command', ttlSec: 600, notBefore: null, counts: { pending: 1, skipped: 1, delivered: 0 } });
      const states = Object.fromEntries(created.executions.map((e: { agentId: string; state: string; reason: string | null }) => [e.agentId, [e.state, e.reason]]));
      expect(states).toEqual({ [agents.web1!.agentId]: ['pending', null], [agents.old1!.agentId]: ['skipped', 'capability_missing'] });

      const bySection = await create({ type: 'update_agent', payload: { version: '2.0.0', url: 'https://example.com/agent', sha256: 'a'.repeat(64) }, targets: { sectionId }, ttlSec: 60 });
      expect(bySection.executions.map((e: { agentId: string }) => e.agentId).sort()).toEqual([agents.web1!.agentId, agents.web2!.agentId].sort());

      const byTags = await create({ type: 'update_package', payload: { name: 'nginx', action: 'upgrade' }, targets: { tags: ['web', 'db'] }, ttlSec: 60 });
      const tagged = Object.fromEntries(byTags.executions.map((e: { agentId: string; state: string }) => [e.agentId, e.state]));
      expect(tagged).toEqual({ [agents.web1!.agentId]: 'pending', [agents.web2!.agentId]: 'pending', [agents.db1!.agentId]: 'skipped', [agents.old1!.agentId]: 'skipped' });
      expect(byTags.command.counts).toMatchObject({ pending: 2, skipped: 2 });
      await drain();
    });

    it('rejects unknown types, mismatched payloads, empty and foreign targets, creating nothing', async () => {
      const before = await commandCount();
      const other = await tenantWithToken(s.repos, 'admin');
      const foreignSection = (await s.clientFor(other.secret).POST('/api/v1/sections', { body: { name: 'elsewhere' } })).data!.id;
      const foreignAgent = (await enrollAgent(s.clientFor(other.secret), await enrollmentSecret(s.clientFor(other.secret)), { capabilities: RUNS_ALL })).agentId;
      const cases: [Record<string, unknown>, number][] = [
        [{ type: 'reboot', payload: run, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: { name: 'nginx', action: 'install' }, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'update_package', payload: { name: 'nginx', action: 'purge' }, targets: { tags: ['web'] }, ttlSec: 60 }, 400],
        [{ type: 'run_command', payload: run, targets: { tags: ['web'], sectionId }, ttlSec: 60 }, 400],
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
        s.client.POST('/api/v1/commands', { params: { header: { 'Idempotency-Key': 'cmd-key-1' } }, body: { type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 } });
      const first = await send();
      const again = await send();
      expect(again.response.status).toBe(201);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.data!.command.id).toBe(first.data!.command.id);
      const viewer = (await s.client.POST('/api/v1/tokens', { body: { name: 'v', role: 'viewer' } })).data!.secret;
      const operator = (await s.client.POST('/api/v1/tokens', { body: { name: 'o', role: 'operator' } })).data!.secret;
      expect((await submit(body, viewer)).status).toBe(403);
      expect((await submit(body, operator)).status).toBe(201);
      expect((await s.clientFor(viewer).GET('/api/v1/commands')).response.status).toBe(200);
      await drain();
    });
  });

  describe('read', () => {
    it('lists with filters and cursor, reads counts and executions; other tenants see nothing', async () => {
      const a = await create({ type: 'update_package', payload: { name: 'curl', action: 'install', version: '8.0' }, targets: { agentIds: [agents.db1!.agentId, agents.old1!.agentId] }, ttlSec: 60 });
      const b = await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web2!.agentId] }, ttlSec: 60 });
      const byType = (await s.client.GET('/api/v1/commands', { params: { query: { type: 'update_package', limit: 1000 } } })).data!.items;
      expect(byType.every((c) => c.type === 'update_package')).toBe(true);
      expect(byType[0]!.id).toBe(a.command.id);
      const byAgent = (await s.client.GET('/api/v1/commands', { params: { query: { agentId: agents.web2!.agentId, status: 'pending' } } })).data!.items;
      expect(byAgent.map((c) => c.id)).toEqual([b.command.id]);
      const skipped = (await s.client.GET('/api/v1/commands', { params: { query: { status: 'skipped', agentId: agents.db1!.agentId } } })).data!.items;
      expect(skipped.map((c) => c.id)).toContain(a.command.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const { data } = await s.client.GET('/api/v1/commands', { params: { query: { limit: 2, cursor } } });
        seen.push(...data!.items.map((c) => c.id));
        if (!data!.nextCursor) break;
        cursor = data!.nextCursor;
      }
      expect(seen[0]).toBe(b.command.id);
      expect(seen.length).toBe(await commandCount());
      expect(new Set(seen).size).toBe(seen.length);

      const got = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: b.command.id } } })).data!;
      expect(got).toEqual(b.command);
      const execs = await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: a.command.id }, query: { limit: 1 } } });
      expect(execs.data!.items).toHaveLength(1);
      const rest = await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: a.command.id }, query: { cursor: execs.data!.nextCursor! } } });
      expect([...execs.data!.items, ...rest.data!.items].map((e) => e.agentId).sort()).toEqual([agents.db1!.agentId, agents.old1!.agentId].sort());

      const other = s.clientFor((await tenantWithToken(s.repos, 'admin')).secret);
      expect((await other.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: b.command.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: b.command.id } } })).response.status).toBe(404);
      expect((await other.GET('/api/v1/commands')).data!.items).toEqual([]);
      await drain();
    });
  });

  describe('delivery and ack', () => {
    it('delivers each execution once, even to concurrent polls, and audits and publishes the transitions', async () => {
      const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await create({ type: 'run_command', payload: { ...run, cmd: `job-${i}` }, targets: { agentIds: [agents.web1!.agentId] }, ttlSec: 60 })).command.id);
      const polls = await Promise.all(Array.from({ length: 6 }, () => poll('web1')));
      const got = polls.flatMap((p) => p.data!.commands.map((c) => c.commandId));
      expect(got.sort()).toEqual([...ids].sort());
      expect(polls.flatMap((p) => p.data!.commands).find((c) => c.commandId === ids[2])).toMatchObject({ type: 'run_command', payload: { cmd: 'job-2', timeoutSec: 30 } });
      expect((await poll('web1')).data!.commands).toEqual([]);
      const cmd = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: ids[0]! } } })).data!;
      expect(cmd.counts).toMatchObject({ pending: 0, delivered: 1 });
      const events = (await s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_created', 'command_execution_updated'] } } })).data!.events;
      expect(events.filter((e) => e.type === 'command_created').map((e) => e.resourceId)).toEqual(ids);
      expect(
        events
          .filter((e) => e.type === 'command_execution_updated' && e.data.state === 'delivered')
          .map((e) => e.resourceId)
          .sort(),
      ).toEqual([...ids].sort());
      const audit = (await s.client.GET('/api/v1/audit', { params: { query: { resourceId: ids[0]! } } })).data!.items;
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
      const metrics = await (await s.fetch('/metrics')).text();
      expect(metrics).toMatch(/^command_pollers_parked 0$/m);
      expect(Number(/^command_executions_delivered_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/^command_delivery_latency_seconds_count [1-9]/m);
    });

    it('hands a command to a poll parked here in its own commit: delivered in the 201, answered once, published', async () => {
      await drain();
      const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const parkedNow = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await (await s.fetch('/metrics')).text())?.[1]);
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
      const events = (await s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_execution_updated'] } } })).data!.events;
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
      const parkedNow = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await (await s.fetch('/metrics')).text())?.[1]);
      const gone = new AbortController();
      const abandoned = fetch(`${s.url}/api/v1/agent/${agents.db1!.agentId}/commands?wait=30`, { headers: { authorization: `Bearer ${agents.db1!.apiKey}` }, signal: gone.signal });
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
      const wrongPath = await s.fetch(`/api/v1/agent/${agents.db1!.agentId}/commands/${other}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agents.web1!.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(finished),
      });
      expect(wrongPath.status).toBe(403);
      const detail = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!;
      expect(detail.counts).toMatchObject({ failed: 1, pending: 1 });
      const audit = (await s.client.GET('/api/v1/audit', { params: { query: { resourceId: id } } })).data!.items;
      expect(audit.map((e) => e.action).sort()).toEqual(['command.ack', 'command.create']);
      const otherTenantAgent = await tenantWithToken(s.repos, 'admin');
      const foreign = await enrollAgent(s.clientFor(otherTenantAgent.secret), await enrollmentSecret(s.clientFor(otherTenantAgent.secret)), { capabilities: RUNS_ALL });
      const foreignAck = await s.fetch(`/api/v1/agent/${foreign.agentId}/commands/${id}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${foreign.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(finished),
      });
      expect(foreignAck.status).toBe(404);
      const foreignPoll = await s.clientFor(foreign.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: foreign.agentId } } });
      expect(foreignPoll.data!.commands).toEqual([]);
    });
  });

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
      const execution = (await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]!;
      expect(execution).toMatchObject({ state: 'running', outputBytes: 17, storedBytes: 17 });
    });

    it('exposes executions by state as a gauge read at scrape time', async () => {
      await drain();
      const gauge = async () => {
        const text = await (await s.fetch('/metrics')).text();
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
      expect(Number(/^command_output_bytes_stored_total (\d+)$/m.exec(await (await s.fetch('/metrics')).text())?.[1])).toBeGreaterThanOrEqual(30);
      expect((await ack('web2', id, finished)).status).toBe(200);
      expect((await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]).toMatchObject({ state: 'succeeded', truncated: true, outputBytes: 40 });
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
      const execution = (await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items[0]!;
      expect(execution).toMatchObject({ state: 'delivered', outputBytes: 0 });
    });

    it('takes the cap from a policy that sets commands.maxOutputBytes for the agent', async () => {
      const policy = await s.client.POST('/api/v1/policies', {
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
        await s.client.DELETE('/api/v1/policies/{policyId}', { params: { path: { policyId: policy.data!.id } } });
      }
    });

    it('follows new output as Server-Sent Events, resumes with Last-Event-ID, and ends with the execution', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web1');
      const path = `/api/v1/commands/${id}/executions/${agents.web1!.agentId}/output?follow=true`;
      const follow = (headers: Record<string, string> = {}) => s.fetch(path, { headers: { authorization: `Bearer ${s.adminToken}`, ...headers } });
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

      const other = (await tenantWithToken(s.repos, 'admin')).secret;
      expect((await s.fetch(path, { headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
    });

    it('is 404 for another agent or tenant, and changes nothing', async () => {
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.db1!.agentId] }, ttlSec: 60 })).command.id;
      await poll('db1');
      expect((await upload('web1', id, [{ offset: 0, stream: 'stdout', data: 'x' }])).status).toBe(404);
      expect(await output(id, 'db1')).toMatchObject({ data: '', state: 'delivered', outputBytes: 0 });
      const other = s.clientFor((await tenantWithToken(s.repos, 'admin')).secret);
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

  describe('lifecycle', () => {
    const cancel = (commandId: string, token = s.adminToken) => s.clientFor(token).POST('/api/v1/commands/{commandId}/cancel', { params: { path: { commandId } } });

    it('cancels what is pending and flags what was delivered; the agent is told by its poll and uploads', async () => {
      await drain();
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, agents.web2!.agentId] }, ttlSec: 60 })).command.id;
      await poll('web1');
      const viewer = (await s.client.POST('/api/v1/tokens', { body: { name: 'cv', role: 'viewer' } })).data!.secret;
      expect((await cancel(id, viewer)).response.status).toBe(403);
      expect((await cancel(id, (await tenantWithToken(s.repos, 'admin')).secret)).response.status).toBe(404);
      const res = await cancel(id);
      expect(res.response.status).toBe(200);
      expect(res.data!.counts).toMatchObject({ pending: 0, cancelled: 1, delivered: 1 });
      const execs = (await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items;
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
      const audit = (await s.client.GET('/api/v1/audit', { params: { query: { resourceId: id } } })).data!.items;
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
      const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1000 } } });
      const id = (await create({ type: 'run_command', payload: run, targets: { agentIds: [agents.web1!.agentId, agents.web2!.agentId] }, ttlSec: 1 })).command.id;
      await poll('web1');
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await poll('web2')).data!.commands).toEqual([]);
      let counts = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!.counts;
      for (let i = 0; i < 40 && counts.expired < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        counts = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!.counts;
      }
      expect(counts).toMatchObject({ expired: 2, pending: 0, delivered: 0 });
      const execs = (await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: id } } })).data!.items;
      expect(execs.every((e) => e.reason === 'ttl')).toBe(true);
      expect((await ack('web1', id, finished)).status).toBe(409);
      const events = (await s.client.GET('/api/v1/events', { params: { query: { offset: head!.nextOffset, limit: 1000, types: ['command_execution_updated'] } } })).data!.events;
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
    const counts = async (commandId: string) => (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId } } })).data!.counts;

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
      const events = (await s.client.GET('/api/v1/events', { params: { query: { limit: 1000, types: ['command_rollout_slot_freed'] } } })).data!.events;
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
      const execs = (await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: command.id }, query: { state: 'cancelled' } } })).data!.items;
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
