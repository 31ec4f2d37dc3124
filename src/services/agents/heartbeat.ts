/**
 * Heartbeats, written sparingly: an online agent's last-seen is written at most once per interval (the
 * auth lookup already told us when it was last written); an offline agent coming back is written at once,
 * with its `agent_online` event.
 */
import type { BodyOf } from '../../operation-types.ts';
import type { AuthenticatedAgent } from '../auth/agent-authenticator.ts';
import type { ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';

export interface HeartbeatInput {
  /** The calling agent as its key lookup found it (online state, when last-seen was written). */
  agent: AuthenticatedAgent;
  heartbeat: BodyOf<'sendHeartbeat'>;
}

export async function recordHeartbeat({ ctx, input, writeIntervalSec }: { ctx: ServiceContext; input: HeartbeatInput; writeIntervalSec: number }): Promise<'written' | 'online' | 'coalesced'> {
  const { agent, heartbeat } = input;
  const now = ctx.now();
  const { agentId, tenantId } = agent.principal;
  if (!agent.online) {
    const event = newEvent(ctx, { tenantId, type: 'agent_online', resourceType: 'agent', resourceId: agentId, data: { lastSeenAt: agent.lastSeenAt?.toISOString() ?? null } });
    await ctx.repos.agents.recordHeartbeat(agentId, now, heartbeat, { events: [event] });
    return 'online';
  }
  if (agent.lastSeenAt && now.getTime() - agent.lastSeenAt.getTime() < writeIntervalSec * 1000) return 'coalesced';
  await ctx.repos.agents.recordHeartbeat(agentId, now, heartbeat, null);
  return 'written';
}
