import type { CommandFilter, CommandWithCounts } from '../../domain/command.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listCommands({ ctx, input }: { ctx: ServiceContext; input: ListInput & CommandFilter }): Promise<ListResult<CommandWithCounts>> {
  const { tenantId } = requirePrincipal(ctx);
  const filter: CommandFilter = { status: input.status, type: input.type, agentId: input.agentId, createdBy: input.createdBy };
  return ctx.repos.commands.list(tenantId, filter, pageRequest(input));
}
