/**
 * One command fanned out to a few hundred parked agents over real HTTP, SQLite and Postgres: every agent's
 * polls (two at once each, parked) are woken together, and each execution is delivered exactly once, to
 * its agent, with one `delivered` event each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const FLEET = 300;

describe.each(dialects())('command fan-out on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  const fleet: { agentId: string; apiKey: string }[] = [];
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    const secret = await enrollmentSecret(s.client);
    for (let i = 0; i < FLEET; i += 25)
      fleet.push(...(await Promise.all(Array.from({ length: Math.min(25, FLEET - i) }, () => enrollAgent(s.client, secret, { tags: ['fan'], capabilities: ['run_command'] })))));
  }, 120_000);
  afterAll(() => s.close());

  const poll = (agent: { agentId: string; apiKey: string }, wait: number) => s.clientFor(agent.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: agent.agentId }, query: { wait } } });
  const parked = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await (await s.fetch('/metrics')).text())?.[1] ?? 0);

  it('creates every execution and delivers each exactly once to concurrent parked polls', { timeout: 60_000 }, async () => {
    const { data: head } = await s.client.GET('/api/v1/events', { params: { query: { limit: 1 } } });
    const polls = fleet.flatMap((agent) => [poll(agent, 20), poll(agent, 20)].map(async (p) => ({ agent, commands: (await p).data!.commands.map((c) => c.commandId) })));
    for (let tries = 0; (await parked()) < 2 * FLEET; tries++) {
      if (tries > 200) throw new Error('the fleet did not park');
      await new Promise((r) => setTimeout(r, 50));
    }
    const { data, response } = await s.client.POST('/api/v1/commands', { body: { type: 'run_command', payload: { cmd: 'uptime', timeoutSec: 5 }, targets: { tags: ['fan'] }, ttlSec: 60 } });
    expect(response.status).toBe(201);
    const id = data!.command.id;
    expect(data!.executions).toHaveLength(FLEET);
    expect(new Set(data!.executions.map((e) => e.agentId))).toEqual(new Set(fleet.map((a) => a.agentId)));
    // The first poll of each agent to be answered gets the command; the other is answered empty when its wait ends,
    // or sooner when it ran in the same delivery: stop waiting for them once every agent has its command.
    const received = new Map<string, number>();
    await new Promise<void>((resolve, reject) => {
      for (const p of polls)
        p.then(({ agent, commands }) => {
          for (const c of commands) if (c === id) received.set(agent.agentId, (received.get(agent.agentId) ?? 0) + 1);
          if (received.size === FLEET) resolve();
        }, reject);
      setTimeout(() => reject(new Error(`only ${received.size} of ${FLEET} agents received the command`)), 30_000);
    });
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const cmd = (await s.client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: id } } })).data!;
    expect(cmd.counts).toMatchObject({ pending: 0, delivered: FLEET });
    const events = [];
    for (let offset = head!.nextOffset; ; ) {
      const page = (await s.client.GET('/api/v1/events', { params: { query: { offset, limit: 1000, types: ['command_execution_updated'] } } })).data!;
      events.push(...page.events.filter((e) => e.resourceId === id && e.data.state === 'delivered'));
      if (page.events.length === 0 || page.nextOffset === offset) break;
      offset = page.nextOffset;
    }
    expect(events.map((e) => e.data.agentId).sort()).toEqual(fleet.map((a) => a.agentId).sort());
    // The second polls of each agent end without a command (they re-park and time out, or were answered empty).
    for (const agent of fleet) expect((await poll(agent, 0)).data!.commands).toEqual([]);
  });
});
