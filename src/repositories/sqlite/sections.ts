import { and, asc, eq, gt, ne } from 'drizzle-orm';
import { NameTakenError } from '../../services/errors.ts';
import type { Page, PageRequest, Section, SectionRepository, SectionWriteOutcome, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { SECTION_NAME_UNIQUE } from '../shared/tenancy-mappers.ts';
import { isUniqueViolation } from '../shared/unique-violation.ts';
import { sections } from './schema.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

export class SqliteSectionRepository implements SectionRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(section: Section, effects: WriteEffects): Promise<void> {
    try {
      this.w.transaction((tx, apply) => {
        if (nameTaken(tx, section.tenantId, section.name)) throw new NameTakenError('section', section.name);
        tx.insert(sections).values(section).run();
        apply(effects);
      });
    } catch (err) {
      throw isUniqueViolation(err, SECTION_NAME_UNIQUE) ? new NameTakenError('section', section.name) : err;
    }
  }

  async findById(tenantId: string, id: string): Promise<Section | null> {
    return this.w.db.select().from(sections).where(and(eq(sections.tenantId, tenantId), eq(sections.id, id))).get() ?? null;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Section>> {
    const rows = this.w.db
      .select()
      .from(sections)
      .where(and(eq(sections.tenantId, tenantId), page.afterId ? gt(sections.id, page.afterId) : undefined))
      .orderBy(asc(sections.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows, page.limit);
  }

  async update(next: Section, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome> {
    try {
      return this.w.transaction((tx, apply) => {
        const where = and(eq(sections.tenantId, next.tenantId), eq(sections.id, next.id));
        const current = tx.select({ version: sections.version, name: sections.name }).from(sections).where(where).get();
        if (!current) return { kind: 'not-found' };
        if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
        if (next.name !== current.name && nameTaken(tx, next.tenantId, next.name, next.id)) throw new NameTakenError('section', next.name);
        tx.update(sections).set({ name: next.name, description: next.description, version: next.version, updatedAt: next.updatedAt }).where(where).run();
        apply(effects);
        return { kind: 'done' };
      });
    } catch (err) {
      throw isUniqueViolation(err, SECTION_NAME_UNIQUE) ? new NameTakenError('section', next.name) : err;
    }
  }

  async delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(sections.tenantId, tenantId), eq(sections.id, id));
      const current = tx.select({ version: sections.version }).from(sections).where(where).get();
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      // Foreign keys do the rest: agents.section_id becomes null, enrollment secrets of the section go.
      tx.delete(sections).where(where).run();
      apply(effects);
      return { kind: 'done' };
    });
  }
}

function nameTaken(tx: SqliteTx, tenantId: string, name: string, exceptId?: string): boolean {
  const where = and(eq(sections.tenantId, tenantId), eq(sections.name, name), exceptId ? ne(sections.id, exceptId) : undefined);
  return tx.select({ id: sections.id }).from(sections).where(where).get() !== undefined;
}
