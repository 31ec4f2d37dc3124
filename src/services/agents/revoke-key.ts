/** An operator revokes an agent's key: the agent's next request fails, on every instance. */
import { auditEntry } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

export async function revokeAgentKey({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<void> {
  const { tenantId } = requireOperator(ctx);
  const now = ctx.now();
  const result = await ctx.repos.agents.update(tenantId, input.agentId, { keyHash: null, keyPrefix: null, previousKeyHash: null, previousKeyExpiresAt: null, status: 'revoked' }, now, (before) => ({
    audit: auditEntry(ctx, {
      tenantId,
      action: 'agent.revoke_key',
      resourceType: 'agent',
      resourceId: input.agentId,
      before: { status: before.status, keyPrefix: before.keyPrefix },
      after: { status: 'revoked', keyPrefix: null },
    }),
    events: [newEvent(ctx, { tenantId, type: 'agent_updated', resourceType: 'agent', resourceId: input.agentId, data: { status: 'revoked', keyRevoked: true } })],
  }));
  if (result.kind === 'not_found') throw new NotFoundError('agent', input.agentId);
  ctx.log.info({ agentId: input.agentId }, 'agent key revoked');
}
