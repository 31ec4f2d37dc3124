/** Operators' view of the fleet: list, get, edit (with optimistic concurrency), delete, pending claims. */
import type { Agent, AgentChanges, AgentFilter, AgentRecord } from '../../domain/agent.ts';
import { publicAgent } from '../../domain/secrets.ts';
import type { Page } from '../../domain/paging.ts';
import type { Registration } from '../../domain/registration.ts';
import { auditEntry } from '../audit/entry.ts';
import { checkVersion, VersionConflictError, type Expectation } from '../concurrency.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { pageRequest, type ListInput } from '../paging.ts';
import { agentSnapshot } from './records.ts';
import { requireSection } from './sections.ts';

export async function listAgents({ ctx, input }: { ctx: ServiceContext; input: ListInput & AgentFilter }): Promise<Page<Agent>> {
  const { tenantId } = requireOperator(ctx);
  const { limit, cursor, ...filter } = input;
  const page = await ctx.repos.agents.list(tenantId, filter, pageRequest({ limit, cursor }));
  return { ...page, items: page.items.map(publicAgent) };
}

export async function getAgent({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<Agent> {
  const { tenantId } = requireOperator(ctx);
  const agent = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!agent) throw new NotFoundError('agent', input.agentId);
  return publicAgent(agent);
}

export interface UpdateAgentInput extends Expectation {
  agentId: string;
  changes: Pick<AgentChanges, 'name' | 'tags' | 'sectionId'>;
}

export async function updateAgent({ ctx, input }: { ctx: ServiceContext; input: UpdateAgentInput }): Promise<Agent> {
  const { tenantId } = requireOperator(ctx);
  const current = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!current) throw new NotFoundError('agent', input.agentId);
  checkVersion(current.version, input);
  if (input.changes.sectionId) await requireSection(ctx, tenantId, input.changes.sectionId);
  // The version read above is the one the write must still find: a concurrent edit in between is a conflict.
  const result = await ctx.repos.agents.update(tenantId, input.agentId, input.changes, ctx.now(), agentChangeEffects(ctx, 'agent.update'), current.version);
  if (result.kind === 'not_found') throw new NotFoundError('agent', input.agentId);
  if (result.kind === 'version_conflict') throw new VersionConflictError(result.currentVersion);
  return publicAgent(result.value);
}

export async function deleteAgent({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<void> {
  const { tenantId } = requireOperator(ctx);
  const outcome = await ctx.repos.agents.delete(tenantId, input.agentId, (before) => ({
    audit: auditEntry(ctx, { tenantId, action: 'agent.delete', resourceType: 'agent', resourceId: before.id, before: agentSnapshot(before) }),
    events: [newEvent(ctx, { tenantId, type: 'agent_deleted', resourceType: 'agent', resourceId: before.id, data: { hostname: before.hostname } })],
  }));
  if (outcome.kind === 'not_found') throw new NotFoundError('agent', input.agentId);
  // A Smotra agent may register again after being deleted.
  await ctx.repos.registrations.remove(input.agentId);
}

export async function listPendingAgents({ ctx, input }: { ctx: ServiceContext; input: ListInput }): Promise<Page<Registration & { id: string }>> {
  requireOperator(ctx);
  return ctx.repos.registrations.listPending(ctx.now(), pageRequest(input));
}

export function agentChangeEffects(ctx: ServiceContext, action: string) {
  return (before: AgentRecord, after: AgentRecord) => ({
    audit: auditEntry(ctx, { tenantId: after.tenantId, action, resourceType: 'agent', resourceId: after.id, before: agentSnapshot(before), after: agentSnapshot(after) }),
    events: [newEvent(ctx, { tenantId: after.tenantId, type: 'agent_updated', resourceType: 'agent', resourceId: after.id, data: { name: after.name, tags: after.tags, sectionId: after.sectionId, version: after.version } })],
  });
}
