import type { QueryOf } from '../../operation-types.ts';
import type { Section } from '../../domain/section.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListResult } from '../paging.ts';

export async function listSections({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listSections'> }): Promise<ListResult<Section>> {
  const principal = requirePrincipal(ctx);
  return ctx.repos.sections.list(principal.tenantId, pageRequest(input));
}
