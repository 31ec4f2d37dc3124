import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NameTaken, NotFound, VersionConflict } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { Section } from '../../domain/section.ts';

export interface SectionRepository {
  /** `name_taken` when the tenant has a section of that name. */
  create(section: Section, effects: WriteEffects): Promise<Done | NameTaken>;
  findById(tenantId: string, id: string): Promise<Section | null>;
  /** Oldest first (by id). */
  list(tenantId: string, page: PageRequest): Promise<Page<Section>>;
  /**
   * Replaces the section's name, description, version and updatedAt with `next`'s when it is still at
   * `expectedVersion`; `name_taken` when another section of the tenant has the new name.
   */
  update(next: Section, expectedVersion: number, effects: WriteEffects): Promise<Done | NotFound | VersionConflict | NameTaken>;
  /**
   * Deletes the section when it is still at `expectedVersion`. Its agents keep existing without a
   * section; its enrollment secrets are deleted with it (foreign keys).
   */
  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<Done | NotFound | VersionConflict>;
}
