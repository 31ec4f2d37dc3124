import type { AssembledOutput, OutputStream } from '../../domain/command.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** The assembled output of one stream of an execution of the caller's tenant. */
export async function getExecutionOutput({ ctx, input }: { ctx: ServiceContext; input: { commandId: string; agentId: string; stream: OutputStream; fromOffset: number } }): Promise<AssembledOutput> {
  const { tenantId } = requirePrincipal(ctx);
  const output = await ctx.repos.commands.readOutput(tenantId, input.commandId, input.agentId, input.stream, input.fromOffset);
  if (!output) throw new NotFoundError('execution of command', input.commandId);
  return output;
}
