/** CommandRepository under contention, run unchanged on SQLite and Postgres: exactly-once delivery (one agent or many per call) and expiry, tenant scoping. */
import { describe, expect, it } from 'vitest';
import type { Command, Execution } from '../../src/domain/command.ts';
import { newId } from '../../src/services/ids.ts';
import { executionsFor } from '../../src/services/commands/records.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

function commandRow(tenantId: string, agentId: string, createdAt: Date, ttlSec = 600): Command {
  return {
    id: newId(),
    tenantId,
    type: 'run_command',
    payload: { cmd: 'true', timeoutSec: 5 },
    targets: { agentIds: [agentId] },
    ttlSec,
    notBefore: null,
    maxConcurrency: null,
    maxErrors: null,
    expiresAt: new Date(createdAt.getTime() + ttlSec * 1000),
    createdBy: null,
    createdAt,
  };
}

describe.each(dialects())('command repository on %s', (dialect) => {
  const suite = useRepositories(dialect);

  const seed = async (count: number, ttlSec = 600) => {
    const tenant = await suite.tenant();
    const agent = await suite.agent(tenant.id, { capabilities: ['run_command'] });
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const command = commandRow(tenant.id, agent.id, now, ttlSec);
      await suite.repos.commands.create(command, executionsFor(command, [{ id: agent.id, capabilities: agent.capabilities }]), {});
      ids.push(command.id);
    }
    return { tenantId: tenant.id, agentId: agent.id, ids, now };
  };

  it('concurrent deliveries release every execution exactly once', async () => {
    const { tenantId, agentId, ids } = await seed(30);
    const seen: string[] = [];
    for (let round = 0; round < 20 && seen.length < ids.length; round++) {
      const batches = await Promise.all(Array.from({ length: 8 }, () => suite.repos.commands.deliver(tenantId, [agentId], new Date(), 3, () => ({}))));
      for (const b of batches) seen.push(...(b.get(agentId) ?? []).map((d) => d.execution.commandId));
    }
    expect(seen.length).toBe(ids.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect((await suite.repos.commands.deliver(tenantId, [agentId], new Date(), 100, () => ({}))).size).toBe(0);
  });

  it('stores a submit whole or not at all: an execution that cannot be stored leaves no command, execution or event', async () => {
    const tenant = await suite.tenant();
    const agent = await suite.agent(tenant.id, { capabilities: ['run_command'] });
    const command = commandRow(tenant.id, agent.id, new Date());
    const [execution] = executionsFor(command, [{ id: agent.id, capabilities: agent.capabilities }]);
    const event = { tenantId: tenant.id, type: 'command_created' as const, resourceType: 'command', resourceId: command.id, data: {}, createdAt: new Date() };
    const before = await suite.repos.events.bounds(tenant.id);
    // The same agent twice: the second execution breaks the (command, agent) key.
    await expect(suite.repos.commands.create(command, [execution!, { ...execution! }], { events: [event] })).rejects.toThrow();
    expect(await suite.repos.commands.findById(tenant.id, command.id)).toBeNull();
    expect((await suite.repos.commands.deliver(tenant.id, [agent.id], new Date(), 10, () => ({}))).size).toBe(0);
    expect(await suite.repos.events.bounds(tenant.id)).toEqual(before);
    // The same submit without the duplicate stores the command, its execution and its event.
    await suite.repos.commands.create(command, [execution!], { events: [event] });
    expect((await suite.repos.commands.findById(tenant.id, command.id))?.counts.pending).toBe(1);
    expect((await suite.repos.events.bounds(tenant.id)).latest).toBe(before.latest + 1);
  });

  it('is scoped to the tenant: another tenant delivers, acks and cancels nothing', async () => {
    const { tenantId, agentId, ids } = await seed(1);
    const other = await suite.tenant();
    expect((await suite.repos.commands.deliver(other.id, [agentId], new Date(), 10, () => ({}))).size).toBe(0);
    expect((await suite.repos.commands.cancelRequests(other.id, [agentId])).size).toBe(0);
    const ack = { status: 'succeeded' as const, exitCode: 0, startedAt: new Date(), finishedAt: new Date(), error: null };
    expect((await suite.repos.commands.ack(other.id, agentId, ids[0]!, ack, new Date(), () => ({}))).kind).toBe('not_found');
    expect((await suite.repos.commands.cancel(other.id, ids[0]!, new Date(), () => ({}))).kind).toBe('not_found');
    expect(await suite.repos.commands.findById(other.id, ids[0]!)).toBeNull();
    expect((await suite.repos.commands.findById(tenantId, ids[0]!))?.counts.pending).toBe(1);
  });

  it('concurrent expiry runs expire each execution once', async () => {
    const { tenantId, ids, now } = await seed(10, 1);
    const later = new Date(now.getTime() + 2_000);
    const runs = await Promise.all(Array.from({ length: 4 }, () => suite.repos.commands.expire(later, 3, () => ({}))));
    const expired: Execution[] = runs.flat();
    for (let more = await suite.repos.commands.expire(later, 100, () => ({})); more.length > 0; more = await suite.repos.commands.expire(later, 100, () => ({}))) expired.push(...more);
    const mine = expired.filter((e) => e.tenantId === tenantId).map((e) => e.commandId);
    expect([...mine].sort()).toEqual([...ids].sort());
    expect(expired.every((e) => e.state === 'expired' && e.reason === 'ttl')).toBe(true);
  });

  it('concurrent polls of different agents never exceed maxConcurrency', async () => {
    const tenant = await suite.tenant();
    const fleet = [];
    for (let i = 0; i < 10; i++) fleet.push(await suite.agent(tenant.id, { capabilities: ['run_command'] }));
    const command = { ...commandRow(tenant.id, fleet[0]!.id, new Date()), maxConcurrency: 3 };
    await suite.repos.commands.create(command, executionsFor(command, fleet), {});
    const released = await Promise.all(fleet.map((a) => suite.repos.commands.deliver(tenant.id, [a.id], new Date(), 10, () => ({}))));
    expect(released.flatMap((m) => [...m.values()].flat())).toHaveLength(3);
    expect((await suite.repos.commands.findById(tenant.id, command.id))?.counts).toMatchObject({ delivered: 3, pending: 7 });
  });

  const fanOut = async (size: number, limits: { maxConcurrency?: number; maxErrors?: number } = {}) => {
    const tenant = await suite.tenant();
    const fleet = [];
    for (let i = 0; i < size; i++) fleet.push(await suite.agent(tenant.id, { capabilities: ['run_command'] }));
    const command = { ...commandRow(tenant.id, fleet[0]!.id, new Date()), ...limits };
    await suite.repos.commands.create(command, executionsFor(command, fleet), {});
    return { tenantId: tenant.id, agentIds: fleet.map((a) => a.id), command };
  };

  it('overlapping deliveries to many agents at once release each execution exactly once, to its own agent', async () => {
    const { tenantId, agentIds, command } = await fanOut(60);
    // Six calls at once, each for an overlapping half of the fleet.
    const calls = Array.from({ length: 6 }, (_, i) => agentIds.filter((_, j) => (j + i) % 2 === 0));
    const answers = await Promise.all(calls.map((ids) => suite.repos.commands.deliver(tenantId, ids, new Date(), 10, () => ({}))));
    const got = answers.flatMap((m) => [...m].flatMap(([agentId, list]) => list.map((d) => ({ agentId, execution: d.execution }))));
    expect(got.every((g) => g.agentId === g.execution.agentId && g.execution.commandId === command.id && g.execution.state === 'delivered')).toBe(true);
    expect(got.map((g) => g.agentId).sort()).toEqual([...agentIds].sort());
    expect((await suite.repos.commands.findById(tenantId, command.id))?.counts).toMatchObject({ delivered: 60, pending: 0 });
  });

  it('one call for many agents takes at most perAgent each, oldest command first', async () => {
    const tenant = await suite.tenant();
    const fleet = [await suite.agent(tenant.id, { capabilities: ['run_command'] }), await suite.agent(tenant.id, { capabilities: ['run_command'] })];
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const command = commandRow(tenant.id, fleet[0]!.id, new Date());
      await suite.repos.commands.create(command, executionsFor(command, fleet), {});
      ids.push(command.id);
    }
    const first = await suite.repos.commands.deliver(
      tenant.id,
      fleet.map((a) => a.id),
      new Date(),
      2,
      () => ({}),
    );
    for (const a of fleet) expect(first.get(a.id)?.map((d) => d.command.id)).toEqual([...ids].sort().slice(0, 2));
    const second = await suite.repos.commands.deliver(
      tenant.id,
      fleet.map((a) => a.id),
      new Date(),
      2,
      () => ({}),
    );
    for (const a of fleet) expect(second.get(a.id)?.map((d) => d.command.id)).toEqual([...ids].sort().slice(2));
  });

  it('one call for many agents fills only the rollout slots left, and none past maxErrors', async () => {
    const { tenantId, agentIds, command } = await fanOut(10, { maxConcurrency: 4 });
    const first = await suite.repos.commands.deliver(tenantId, agentIds, new Date(), 10, () => ({}));
    expect([...first.values()].flat()).toHaveLength(4);
    const again = await suite.repos.commands.deliver(tenantId, agentIds, new Date(), 10, () => ({}));
    expect(again.size).toBe(0);
    const [done1] = [...first.keys()];
    const ack = { status: 'failed' as const, exitCode: 1, startedAt: new Date(), finishedAt: new Date(), error: null };
    await suite.repos.commands.ack(tenantId, done1!, command.id, ack, new Date(), () => ({}));
    const freed = await suite.repos.commands.deliver(tenantId, agentIds, new Date(), 10, () => ({}));
    expect([...freed.values()].flat()).toHaveLength(1);

    const stopped = await fanOut(5, { maxErrors: 0 });
    const [a1, ...rest] = stopped.agentIds;
    await suite.repos.commands.deliver(stopped.tenantId, [a1!], new Date(), 10, () => ({}));
    await suite.repos.commands.ack(stopped.tenantId, a1!, stopped.command.id, ack, new Date(), () => ({}));
    expect((await suite.repos.commands.deliver(stopped.tenantId, rest, new Date(), 10, () => ({}))).size).toBe(0);
    expect((await suite.repos.commands.findById(stopped.tenantId, stopped.command.id))?.counts).toMatchObject({ failed: 1, cancelled: 4 });
  });

  it('names the cancel requests of each agent asked about', async () => {
    const { tenantId, agentIds, command } = await fanOut(3);
    await suite.repos.commands.deliver(tenantId, agentIds.slice(0, 2), new Date(), 10, () => ({}));
    await suite.repos.commands.cancel(tenantId, command.id, new Date(), () => ({}));
    const cancels = await suite.repos.commands.cancelRequests(tenantId, agentIds);
    expect(Object.fromEntries(cancels)).toEqual({ [agentIds[0]!]: [command.id], [agentIds[1]!]: [command.id] });
  });
});
