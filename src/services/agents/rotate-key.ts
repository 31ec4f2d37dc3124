/** An agent rotates its own key; the old one keeps working for `graceSec`. */
import { auditEntry } from '../audit/entry.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { issueAgentKey } from './records.ts';

/** The calling agent is the whole input. */
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
