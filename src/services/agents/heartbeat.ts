/**
 * Heartbeats, written sparingly: an online agent's last-seen is written at most once per interval (the
 * key lookup, or this instance's last write, told us when); an agent the offline detector marked offline
 * is flipped back online by the write, with its `agent_online` event. Coalescing is safe: while this
 * instance wrote last-seen within the interval, the database holds that recent a last-seen too, so the
 * detector (which waits `offlineAfterSec`, far longer) cannot have marked the agent offline.
 */
import type { BodyOf } from '../../operation-types.ts';
import type { AuthenticatedAgent } from '../auth/agent-authenticator.ts';
import type { ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';
import type { HeartbeatWrites } from './heartbeat-writes.ts';

export interface HeartbeatInput {
  /** The calling agent as its key lookup found it (online state, when last-seen was written), possibly cached. */
  agent: AuthenticatedAgent;
  heartbeat: BodyOf<'sendHeartbeat'>;
}

export async function recordHeartbeat({
  ctx,
  input,
  writeIntervalSec,
  writes,
}: {
  ctx: ServiceContext;
  input: HeartbeatInput;
  writeIntervalSec: number;
  /** Group commit of heartbeat writes. */
  writes: HeartbeatWrites;
}): Promise<'written' | 'online' | 'coalesced'> {
  const { agent, heartbeat } = input;
  const now = ctx.now();
  const { agentId, tenantId } = agent.principal;
  if (agent.online && agent.lastSeenAt && now.getTime() - agent.lastSeenAt.getTime() < writeIntervalSec * 1000) return 'coalesced';
  const outcome = await writes.write({
    id: agentId,
    at: now,
    heartbeat,
    comingOnline: (before) => ({
      events: [newEvent(ctx, { tenantId, type: 'agent_online', resourceType: 'agent', resourceId: agentId, data: { lastSeenAt: before.lastSeenAt?.toISOString() ?? null } })],
    }),
  });
  // The agent object is the key cache's: the next heartbeats through this instance coalesce against this write.
  agent.online = true;
  agent.lastSeenAt = now;
  return outcome;
}
