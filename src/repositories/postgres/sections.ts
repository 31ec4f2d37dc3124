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
import type { PgTx, PgWriter } from './transaction.ts';

export class PgSectionRepository implements SectionRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  create(section: Section, effects: WriteEffects) {
    // Two creates racing past the check: the unique index stops the second (name_taken as well).
    return nameTakenOnViolation(SECTION_NAME_UNIQUE, () =>
      this.w.transaction(async (tx, apply) => {
        if (await nameTaken(tx, section.tenantId, section.name)) return NAME_TAKEN;
        await tx.insert(sections).values(section);
        await apply(effects);
        return done();
      }),
    );
  }

  findById(tenantId: string, id: string): Promise<Section | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(sections), tenantRow(sections, tenantId, id)));
  }

  list(tenantId: string, page: PageRequest): Promise<Page<Section>> {
    const q = sectionList(sections, tenantId, page);
    return this.w.pool.run(async (db) => toPage(await db.select().from(sections).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  update(next: Section, expectedVersion: number, effects: WriteEffects) {
    return nameTakenOnViolation(SECTION_NAME_UNIQUE, () =>
      this.w.transaction(async (tx, apply) => {
        const where = tenantRow(sections, next.tenantId, next.id);
        const [current] = await tx.select({ version: sections.version, name: sections.name }).from(sections).where(where).for('update');
        if (!current) return NOT_FOUND;
        if (current.version !== expectedVersion) return versionConflict(current.version);
        if (next.name !== current.name && (await nameTaken(tx, next.tenantId, next.name, next.id))) return NAME_TAKEN;
        await tx.update(sections).set({ name: next.name, description: next.description, version: next.version, updatedAt: next.updatedAt }).where(where);
        await apply(effects);
        return done();
      }),
    );
  }

  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const where = tenantRow(sections, tenantId, id);
      const [current] = await tx.select({ version: sections.version }).from(sections).where(where).for('update');
      if (!current) return NOT_FOUND;
      if (current.version !== expectedVersion) return versionConflict(current.version);
      // Foreign keys do the rest: agents.section_id becomes null, enrollment secrets of the section go.
      await tx.delete(sections).where(where);
      await apply(effects);
      return done();
    });
  }
}

function nameTaken(tx: PgTx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  return anyRow(tx.select({ id: sections.id }).from(sections), sectionNamed(sections, tenantId, name, exceptId));
}
