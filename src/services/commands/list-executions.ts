import type { Execution, ExecutionState } from '../../domain/command.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

/** The executions of a command of the caller's tenant (404 for another tenant's command). */
export async function listCommandExecutions({ ctx, input }: { ctx: ServiceContext; input: ListInput & { commandId: string; state?: ExecutionState } }): Promise<ListResult<Execution>> {
  const { tenantId } = requirePrincipal(ctx);
  const page = pageRequest(input);
  if (!(await ctx.repos.commands.findById(tenantId, input.commandId))) throw new NotFoundError('command', input.commandId);
  return ctx.repos.commands.listExecutions(tenantId, input.commandId, input.state, page);
}
