import type { ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** A section id given for an agent must be a section of the same tenant (else 404, like any foreign id). */
export async function requireSection(ctx: ServiceContext, tenantId: string, sectionId: string): Promise<void> {
  if (!(await ctx.repos.sections.findById(tenantId, sectionId))) throw new NotFoundError('section', sectionId);
}
