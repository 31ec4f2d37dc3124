import type { CommandWithCounts } from '../../domain/command.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** A command of the caller's tenant with its per-state counts; other tenants' commands do not exist for it. */
export async function getCommand({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<CommandWithCounts> {
  const { tenantId } = requirePrincipal(ctx);
  const command = await ctx.repos.commands.findById(tenantId, input.id);
  if (!command) throw new NotFoundError('command', input.id);
  return command;
}
