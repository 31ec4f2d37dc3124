import type { Section } from '../../domain/section.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NameTakenError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';

export interface CreateSectionInput {
  name: string;
  description?: string;
}

/** Creates a section of the caller's tenant at version 1. A name the tenant already uses is a NameTakenError. */
export async function createSection({ ctx, input }: { ctx: ServiceContext; input: CreateSectionInput }): Promise<Section> {
  const principal = requirePrincipal(ctx);
  const now = ctx.now();
  const section: Section = { id: newId(), tenantId: principal.tenantId, name: input.name, description: input.description ?? null, version: 1, createdAt: now, updatedAt: now };
  const audit = auditEntry(ctx, { tenantId: section.tenantId, action: 'section.create', resourceType: 'section', resourceId: section.id, after: snapshot(section) });
  const event = newEvent(ctx, { tenantId: section.tenantId, type: 'section_created', resourceType: 'section', resourceId: section.id, data: { name: section.name } });
  const outcome = await ctx.repos.sections.create(section, { audit, events: [event] });
  if (outcome.kind === 'name_taken') throw new NameTakenError('section', section.name);
  ctx.log.info({ sectionId: section.id }, 'section created');
  return section;
}
