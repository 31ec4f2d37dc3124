/**
 * Commands across two instances on one database with NATS: a command created on B wakes the agent's poll
 * parked on A (and wakes it when the command is deferred, once it is due), and concurrent polls on both instances deliver every execution exactly once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const natsUrl = inject('natsUrl');

describe.runIf(natsUrl !== null).each(dialects())('commands on two instances with NATS on %s', (dialect) => {
  let a: Server;
  let b: Server;
  let agent: { agentId: string; apiKey: string };
  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect);
    a = await startTestServer({ databaseUrl: db.url, config: (c) => (c.nats.url = natsUrl) });
    b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config: (c) => (c.nats.url = natsUrl) });
    agent = await enrollAgent(a.client, await enrollmentSecret(a.client), { capabilities: ['run_command'] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const send = (s: Server, cmd: string) => s.client.POST('/api/v1/commands', { body: { type: 'run_command', payload: { cmd, timeoutSec: 5 }, targets: { agentIds: [agent.agentId] }, ttlSec: 60 } });
  const poll = (s: Server, wait = 0) => s.clientFor(agent.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: agent.agentId }, query: { wait } } });

  it('a command created on B reaches the poll parked on A within 100 ms', async () => {
    for (let round = 0; round < 3; round++) {
      const polling = poll(a, 10).then((r) => ({ r, at: performance.now() }));
      await new Promise((r) => setTimeout(r, 200));
      const sent = await send(b, `round-${round}`);
      const createdAt = performance.now();
      const { r, at } = await polling;
      expect(r.data!.commands.map((c) => c.commandId)).toEqual([sent.data!.command.id]);
      expect(at - createdAt).toBeLessThan(100);
    }
  });

  it('a deferred command created on B wakes the poll parked on A when it becomes due', async () => {
    const polling = poll(a, 10).then((r) => ({ r, at: Date.now() }));
    await new Promise((r) => setTimeout(r, 200));
    const notBefore = new Date(Date.now() + 500);
    const sent = await b.client.POST('/api/v1/commands', {
      body: { type: 'run_command', payload: { cmd: 'later', timeoutSec: 5 }, targets: { agentIds: [agent.agentId] }, ttlSec: 60, notBefore: notBefore.toISOString() },
    });
    const { r, at } = await polling;
    expect(r.data!.commands.map((c) => c.commandId)).toEqual([sent.data!.command.id]);
    expect(at).toBeGreaterThanOrEqual(notBefore.getTime());
    expect(at - notBefore.getTime()).toBeLessThan(300);
  });

  it('concurrent polls on both instances deliver every execution exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await send(i % 2 ? a : b, `job-${i}`)).data!.command.id);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => poll(i % 2 ? a : b)));
    const delivered = answers.flatMap((r) => r.data!.commands.map((c) => c.commandId));
    expect(delivered.length).toBe(ids.length);
    expect([...delivered].sort()).toEqual([...ids].sort());
    expect((await poll(b)).data!.commands).toEqual([]);
  });
});
