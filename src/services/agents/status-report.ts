/** A Smotra status report: the latest one is kept with the agent. */
import type { BodyOf } from '../../operation-types.ts';
import type { ServiceContext } from '../context.ts';

export async function saveStatusReport({ ctx, input }: { ctx: ServiceContext; input: { agentId: string; report: BodyOf<'sendStatusReport'> } }): Promise<void> {
  await ctx.repos.agents.saveStatus(input.agentId, input.report, ctx.now());
}
