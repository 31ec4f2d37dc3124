import { auditEntry, snapshot } from '../audit/entry.ts';
import { checkVersion, VersionConflictError } from '../concurrency.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

const ATTEMPTS = 3;

/**
 * Deletes a section of the caller's tenant, optionally only while it is at the version named by
 * If-Match. Its agents stay without a section; its enrollment secrets go with it (foreign keys).
 */
export async function deleteSection({ ctx, input }: { ctx: ServiceContext; input: { id: string; ifMatch?: string } }): Promise<void> {
  const principal = requirePrincipal(ctx);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.sections.findById(principal.tenantId, input.id);
    if (!current) throw new NotFoundError('section', input.id);
    checkVersion(current.version, { ifMatch: input.ifMatch });
    const audit = auditEntry(ctx, { tenantId: current.tenantId, action: 'section.delete', resourceType: 'section', resourceId: current.id, before: snapshot(current) });
    const event = newEvent(ctx, { tenantId: current.tenantId, type: 'section_deleted', resourceType: 'section', resourceId: current.id, data: { name: current.name } });
    const outcome = await ctx.repos.sections.delete(current.tenantId, current.id, current.version, { audit, events: [event] });
    if (outcome.kind === 'done') {
      ctx.log.info({ sectionId: current.id }, 'section deleted');
      return;
    }
    if (outcome.kind === 'not_found') throw new NotFoundError('section', input.id);
    if (attempt >= ATTEMPTS) throw new VersionConflictError(outcome.currentVersion);
  }
}
