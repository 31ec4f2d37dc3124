import type { WriteEffects } from '../../domain/event.ts';
import { done, NAME_TAKEN, NOT_FOUND, versionConflict } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { Section } from '../../domain/section.ts';
import type { SectionRepository } from '../ports/section.ts';
import { toPage } from '../shared/paging.ts';
import { SECTION_NAME_UNIQUE, sectionList, sectionNamed } from '../shared/section.ts';
import { tenantRow } from '../shared/conditions.ts';
import { nameTakenOnViolation } from '../shared/unique-violation.ts';
import { sections } from './schema.ts';
import { anyRow, firstRow } from './rows.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

export class SqliteSectionRepository implements SectionRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  create(section: Section, effects: WriteEffects) {
    return nameTakenOnViolation(SECTION_NAME_UNIQUE, () =>
      this.w.transaction((tx, apply) => {
        if (nameTaken(tx, section.tenantId, section.name)) return NAME_TAKEN;
        tx.insert(sections).values(section).run();
        apply(effects);
        return done();
      }),
    );
  }

  async findById(tenantId: string, id: string): Promise<Section | null> {
    return firstRow(this.w.db.select().from(sections), tenantRow(sections, tenantId, id));
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Section>> {
    const q = sectionList(sections, tenantId, page);
    return toPage(this.w.db.select().from(sections).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  update(next: Section, expectedVersion: number, effects: WriteEffects) {
    return nameTakenOnViolation(SECTION_NAME_UNIQUE, () =>
      this.w.transaction((tx, apply) => {
        const where = tenantRow(sections, next.tenantId, next.id);
        const current = tx.select({ version: sections.version, name: sections.name }).from(sections).where(where).get();
        if (!current) return NOT_FOUND;
        if (current.version !== expectedVersion) return versionConflict(current.version);
        if (next.name !== current.name && nameTaken(tx, next.tenantId, next.name, next.id)) return NAME_TAKEN;
        tx.update(sections).set({ name: next.name, description: next.description, version: next.version, updatedAt: next.updatedAt }).where(where).run();
        apply(effects);
        return done();
      }),
    );
  }

  async delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const where = tenantRow(sections, tenantId, id);
      const current = tx.select({ version: sections.version }).from(sections).where(where).get();
      if (!current) return NOT_FOUND;
      if (current.version !== expectedVersion) return versionConflict(current.version);
      // Foreign keys do the rest: agents.section_id becomes null, enrollment secrets of the section go.
      tx.delete(sections).where(where).run();
      apply(effects);
      return done();
    });
  }
}

function nameTaken(tx: SqliteTx, tenantId: string, name: string, exceptId?: string): boolean {
  return anyRow(tx.select({ id: sections.id }).from(sections), sectionNamed(sections, tenantId, name, exceptId));
}
