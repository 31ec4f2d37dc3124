/**
 * A submit answering polls parked here (services/commands/create.ts), on both dialects: the reserved polls
 * get the command and its executions are stored delivered when the commit succeeds; when it fails they get
 * nothing (they look for themselves) and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import type { PollAnswer } from '../../src/services/commands/deliveries.ts';
import { createCommand, HANDOVERS_PER_TURN, type ParkedPollsOfTenant } from '../../src/services/commands/create.ts';
import type { ReservedPoll } from '../../src/services/commands/parked-polls.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

/** Records what the submit does with the polls it reserved. */
function fakeParked(agentIds: readonly string[]) {
  const handed = new Map<string, PollAnswer>();
  const givenBack: string[] = [];
  const reservedFor: string[][] = [];
  const parked: ParkedPollsOfTenant = {
    reserve(_tenantId, ids) {
      reservedFor.push([...ids]);
      const polls = new Map<string, ReservedPoll>();
      for (const id of ids.filter((i) => agentIds.includes(i))) polls.set(id, { handOver: (a) => handed.set(id, a), giveBack: () => givenBack.push(id) });
      return polls;
    },
  };
  return { parked, handed, givenBack, reservedFor };
}

describe.each(dialects())('command submit handing over to parked polls on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const log = createLogger('silent');

  const setUp = async () => {
    const tenant = await suite.tenant();
    const parkedAgent = await suite.agent(tenant.id, { capabilities: ['run_command'] });
    const idleAgent = await suite.agent(tenant.id, { capabilities: ['run_command'] });
    const ctx = (repos = suite.repos): ServiceContext => ({
      log,
      repos,
      requestId: null,
      ip: null,
      principal: { type: 'operator', tokenId: 'tok', tenantId: tenant.id, role: 'admin', name: 'test' },
      now: () => new Date(),
    });
    const input = { type: 'run_command' as const, payload: { cmd: 'true', timeoutSec: 5 }, targets: { agentIds: [parkedAgent.id, idleAgent.id] }, ttlSec: 60 };
    return { tenantId: tenant.id, parkedAgent, idleAgent, ctx, input };
  };

  it('stores the parked agent’s execution delivered and hands it the command after the commit', async () => {
    const { tenantId, parkedAgent, idleAgent, ctx, input } = await setUp();
    const polls = fakeParked([parkedAgent.id]);
    const { command, executions } = await createCommand({ ctx: ctx(), input, parked: polls.parked });
    expect(polls.reservedFor).toEqual([[parkedAgent.id, idleAgent.id].sort()]);
    const answer = polls.handed.get(parkedAgent.id)!;
    expect(answer.cancel).toEqual([]);
    expect(answer.delivered.map((d) => [d.command.id, d.execution.agentId, d.execution.state])).toEqual([[command.id, parkedAgent.id, 'delivered']]);
    expect(polls.givenBack).toEqual([]);
    const stored = await suite.repos.commands.listExecutions(tenantId, command.id, undefined, { limit: 10 });
    const stateOf = (id: string) => stored.items.find((e) => e.agentId === id)?.state;
    expect([stateOf(parkedAgent.id), stateOf(idleAgent.id)]).toEqual(['delivered', 'pending']);
    expect(executions.find((e) => e.agentId === parkedAgent.id)?.deliveredAt).toBeInstanceOf(Date);
    // Exactly once: the parked agent's next delivery finds nothing, the other agent's finds the command.
    const delivered = await suite.repos.commands.deliver(tenantId, [parkedAgent.id, idleAgent.id], new Date(), 10, () => ({}));
    expect([...delivered.keys()]).toEqual([idleAgent.id]);
  });

  it('gives the reserved polls back when the commit fails, storing nothing', async () => {
    const { tenantId, parkedAgent, ctx, input } = await setUp();
    const polls = fakeParked([parkedAgent.id]);
    // The real repositories, with a commit that fails (as a database going away would make it).
    const commands = Object.create(suite.repos.commands) as typeof suite.repos.commands;
    commands.create = () => Promise.reject(new Error('connection lost'));
    await expect(createCommand({ ctx: ctx({ ...suite.repos, commands }), input, parked: polls.parked })).rejects.toThrow('connection lost');
    expect(polls.givenBack).toEqual([parkedAgent.id]);
    expect(polls.handed.size).toBe(0);
    expect((await suite.repos.commands.list(tenantId, {}, { limit: 10 })).items).toEqual([]);
  });

  it('hands a large fan-out over once the submit has answered, a turn of the event loop per part', async () => {
    const { tenantId, ctx, input } = await setUp();
    const many = [];
    for (let i = 0; i <= HANDOVERS_PER_TURN; i++) many.push((await suite.agent(tenantId, { capabilities: ['run_command'] })).id);
    const polls = fakeParked(many);
    let answered: (() => void) | undefined;
    const { executions } = await createCommand({ ctx: ctx(), input: { ...input, targets: { agentIds: many } }, parked: polls.parked, afterAnswer: (run) => (answered = run) });
    expect(executions.every((e) => e.state === 'delivered')).toBe(true);
    expect(polls.handed.size).toBe(0); // not before the submit's answer has gone out
    answered!();
    expect(polls.handed.size).toBe(HANDOVERS_PER_TURN);
    await new Promise((r) => setImmediate(r));
    expect(polls.handed.size).toBe(many.length);
  });

  it('reserves nothing for a command held back by notBefore or a concurrency limit', async () => {
    const { parkedAgent, ctx, input } = await setUp();
    const polls = fakeParked([parkedAgent.id]);
    const later = await createCommand({ ctx: ctx(), input: { ...input, notBefore: new Date(Date.now() + 60_000).toISOString() }, parked: polls.parked });
    const limited = await createCommand({ ctx: ctx(), input: { ...input, rollout: { maxConcurrency: 1 } }, parked: polls.parked });
    expect(polls.reservedFor).toEqual([]);
    expect([...later.executions, ...limited.executions].map((e) => e.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
  });
});
