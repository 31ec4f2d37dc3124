import type { Section } from '../../domain/section.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { checkVersion, VersionConflictError, type Expectation } from '../concurrency.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NameTakenError, NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

export interface UpdateSectionInput extends Expectation {
  id: string;
  name?: string;
  /** null clears it; absent keeps it. */
  description?: string | null;
}

/** Unconditional changes that lose a race re-read and retry this often before giving up with a conflict. */
const ATTEMPTS = 3;

/**
 * Changes a section of the caller's tenant and increments its version. The caller's expectation
 * (If-Match, body version) is checked against the version read; the write itself only lands if the
 * section is still at that version, so a concurrent change is never overwritten silently.
 */
export async function updateSection({ ctx, input }: { ctx: ServiceContext; input: UpdateSectionInput }): Promise<Section> {
  const principal = requirePrincipal(ctx);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.sections.findById(principal.tenantId, input.id);
    if (!current) throw new NotFoundError('section', input.id);
    checkVersion(current.version, input);
    const name = input.name ?? current.name;
    const description = input.description === undefined ? current.description : input.description;
    if (name === current.name && description === current.description) return current;
    const next: Section = { ...current, name, description, version: current.version + 1, updatedAt: ctx.now() };
    const audit = auditEntry(ctx, { tenantId: current.tenantId, action: 'section.update', resourceType: 'section', resourceId: current.id, before: snapshot(current), after: snapshot(next) });
    const event = newEvent(ctx, { tenantId: current.tenantId, type: 'section_updated', resourceType: 'section', resourceId: current.id, data: { name, version: next.version } });
    const outcome = await ctx.repos.sections.update(next, current.version, { audit, events: [event] });
    if (outcome.kind === 'done') {
      ctx.log.info({ sectionId: next.id, version: next.version }, 'section updated');
      return next;
    }
    if (outcome.kind === 'not_found') throw new NotFoundError('section', input.id);
    if (outcome.kind === 'name_taken') throw new NameTakenError('section', name);
    if (attempt >= ATTEMPTS) throw new VersionConflictError(outcome.currentVersion);
  }
}
