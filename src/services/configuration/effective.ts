import type { EffectiveConfiguration } from '../../domain/configuration.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { applicablePolicies, compileConfiguration } from './compile.ts';

/** An agent's effective configuration with the provenance of every key, compiled afresh for an operator. */
export async function getEffectiveConfiguration({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<EffectiveConfiguration> {
  const { tenantId } = requireOperator(ctx);
  const agent = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!agent) throw new NotFoundError('agent', input.agentId);
  return compileConfiguration(ctx, agent, await applicablePolicies(ctx, agent));
}
