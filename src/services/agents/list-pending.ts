/** Smotra self-registrations waiting for an operator's claim. */
import type { Page, Registration } from '../../repositories/types.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput } from '../paging.ts';

export async function listPendingAgents({ ctx, input }: { ctx: ServiceContext; input: ListInput }): Promise<Page<Registration & { id: string }>> {
  requireOperator(ctx);
  return ctx.repos.registrations.listPending(ctx.now(), pageRequest(input));
}
