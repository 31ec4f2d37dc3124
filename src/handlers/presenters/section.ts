/** Sections → contract shape. */
import type { Section } from '../../domain/section.ts';
import type { Schema } from './schemas.ts';

export function presentSection(s: Section): Schema<'Section'> {
  return {
    id: s.id,
    tenantId: s.tenantId,
    name: s.name,
    description: s.description,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
