import type { Section } from '../../domain/section.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** A section of the caller's tenant; other tenants' sections do not exist for it. */
export async function getSection({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Section> {
  const principal = requirePrincipal(ctx);
  const section = await ctx.repos.sections.findById(principal.tenantId, input.id);
  if (!section) throw new NotFoundError('section', input.id);
  return section;
}
