/** Smotra self-registrations waiting for an operator's claim. */
import type { QueryOf } from '../../operation-types.ts';
import type { Page } from '../../domain/paging.ts';
import type { Registration } from '../../domain/registration.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest } from '../paging.ts';

export async function listPendingAgents({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listPendingAgents'> }): Promise<Page<Registration & { id: string }>> {
  requireOperator(ctx);
  return ctx.repos.registrations.listPending(ctx.now(), pageRequest(input));
}
