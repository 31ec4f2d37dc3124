/** One agent of the caller's tenant (another tenant's agent is unknown: 404). */
import type { Agent } from '../../domain/agent.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

export async function getAgent({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<Agent> {
  const { tenantId } = requireOperator(ctx);
  const agent = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!agent) throw new NotFoundError('agent', input.agentId);
  return publicAgent(agent);
}
