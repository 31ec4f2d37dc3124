/** Operators delete an agent; its Smotra registration goes too, so that the agent may register again. */
import { auditEntry } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { agentSnapshot } from './records.ts';

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
