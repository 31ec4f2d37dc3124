/**
 * An operator claims a Smotra self-registration with the claim token from the agent's log. The token is
 * checked against the stored SHA-256 hash in constant time; the agent is created in the operator's tenant
 * (without a key: the key is made when the agent next polls).
 */
import type { BodyOf } from '../../operation-types.ts';
import type { Agent } from '../../domain/agent.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { auditEntry } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { hashSecret, sameHash } from '../secrets.ts';
import { agentSnapshot, newAgentRecord } from './records.ts';
import { requireSection } from './section-check.ts';

export type ClaimInput = BodyOf<'claimAgent'>;

export async function claimAgent({ ctx, input }: { ctx: ServiceContext; input: ClaimInput }): Promise<Agent> {
  const principal = requireOperator(ctx);
  const { agentId } = input;
  const now = ctx.now();
  const reg = await ctx.repos.registrations.find(agentId);
  if (!reg || (!reg.claimedAt && reg.expiresAt <= now)) throw new NotFoundError('pending registration', agentId);
  if (reg.claimedAt) throw new ConflictError(`agent ${agentId} is already claimed`, { kind: 'already-claimed' });
  if (!sameHash(reg.claimTokenHash, hashSecret(input.claimToken))) {
    ctx.log.warn({ agentId }, 'claim attempt with a wrong token');
    throw new ForbiddenError('the claim token does not match this agent');
  }
  if (input.sectionId) await requireSection(ctx, principal.tenantId, input.sectionId);
  const agent = newAgentRecord(
    {
      id: agentId,
      tenantId: principal.tenantId,
      sectionId: input.sectionId ?? null,
      name: input.name ?? reg.hostname,
      hostname: reg.hostname,
      agentVersion: reg.agentVersion,
      ipAddresses: reg.ipAddresses,
      capabilities: ['heartbeat', 'status_report', 'checks'],
      enrolledVia: 'claim',
    },
    now,
  );
  const outcome = await ctx.repos.registrations.claim(agentId, agent, now, {
    audit: auditEntry(ctx, { tenantId: principal.tenantId, action: 'agent.claim', resourceType: 'agent', resourceId: agentId, after: agentSnapshot(agent) }),
    events: [newEvent(ctx, { tenantId: principal.tenantId, type: 'agent_claimed', resourceType: 'agent', resourceId: agentId, data: { hostname: agent.hostname, name: agent.name } })],
  });
  if (outcome.kind === 'not_found') throw new NotFoundError('pending registration', agentId);
  if (outcome.kind === 'already_done') throw new ConflictError(`agent ${agentId} is already claimed`, { kind: 'already-claimed' });
  ctx.log.info({ agentId, tenantId: principal.tenantId }, 'agent claimed');
  return publicAgent(agent);
}
