/** Agent key rotation (by the agent, with a grace period for the old key) and revocation (by an operator). */
import { auditEntry } from '../audit/entry.ts';
import { requireAgent, requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { issueAgentKey } from './records.ts';

export async function rotateAgentKey({ ctx, graceSec }: { ctx: ServiceContext; graceSec: number }): Promise<{ apiKey: string; previousKeyValidUntil: Date }> {
  const { agentId, tenantId } = requireAgent(ctx);
  const now = ctx.now();
  const current = await ctx.repos.agents.findById(tenantId, agentId);
  if (!current) throw new NotFoundError('agent', agentId);
  const { key, keyHash, keyPrefix } = issueAgentKey();
  const previousKeyValidUntil = new Date(now.getTime() + graceSec * 1000);
  const result = await ctx.repos.agents.update(tenantId, agentId, { keyHash, keyPrefix, previousKeyHash: current.keyHash, previousKeyExpiresAt: previousKeyValidUntil }, now, () => ({
    audit: auditEntry(ctx, { tenantId, action: 'agent.rotate_key', resourceType: 'agent', resourceId: agentId, before: { keyPrefix: current.keyPrefix }, after: { keyPrefix } }),
    events: [newEvent(ctx, { tenantId, type: 'key_rotated', resourceType: 'agent', resourceId: agentId, data: { reason: 'rotation', previousKeyValidUntil: previousKeyValidUntil.toISOString() } })],
  }));
  if (result.kind !== 'done') throw new NotFoundError('agent', agentId);
  return { apiKey: key, previousKeyValidUntil };
}

export async function revokeAgentKey({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<void> {
  const { tenantId } = requireOperator(ctx);
  const now = ctx.now();
  const result = await ctx.repos.agents.update(tenantId, input.agentId, { keyHash: null, keyPrefix: null, previousKeyHash: null, previousKeyExpiresAt: null, status: 'revoked' }, now, (before) => ({
    audit: auditEntry(ctx, { tenantId, action: 'agent.revoke_key', resourceType: 'agent', resourceId: input.agentId, before: { status: before.status, keyPrefix: before.keyPrefix }, after: { status: 'revoked', keyPrefix: null } }),
    events: [newEvent(ctx, { tenantId, type: 'agent_updated', resourceType: 'agent', resourceId: input.agentId, data: { status: 'revoked', keyRevoked: true } })],
  }));
  if (result.kind === 'not_found') throw new NotFoundError('agent', input.agentId);
  ctx.log.info({ agentId: input.agentId }, 'agent key revoked');
}
