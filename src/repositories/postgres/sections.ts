import { and, asc, eq, gt, ne } from 'drizzle-orm';
import { NameTakenError } from '../../services/errors.ts';
import type { Page, PageRequest, Section, SectionRepository, SectionWriteOutcome, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { SECTION_NAME_UNIQUE } from '../shared/tenancy-mappers.ts';
import { isUniqueViolation } from '../shared/unique-violation.ts';
import { sections } from './schema.ts';
import type { PgTx, PgWriter } from './transaction.ts';

export class PgSectionRepository implements SectionRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  async create(section: Section, effects: WriteEffects): Promise<void> {
    try {
      await this.w.transaction(async (tx, apply) => {
        if (await nameTaken(tx, section.tenantId, section.name)) throw new NameTakenError('section', section.name);
        await tx.insert(sections).values(section);
        await apply(effects);
      });
    } catch (err) {
      // Two creates racing past the check: the unique index stops the second.
      throw isUniqueViolation(err, SECTION_NAME_UNIQUE) ? new NameTakenError('section', section.name) : err;
    }
  }

  findById(tenantId: string, id: string): Promise<Section | null> {
    return this.w.pool.run(async (db) => (await db.select().from(sections).where(and(eq(sections.tenantId, tenantId), eq(sections.id, id))).limit(1))[0] ?? null);
  }

  list(tenantId: string, page: PageRequest): Promise<Page<Section>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(sections)
        .where(and(eq(sections.tenantId, tenantId), page.afterId ? gt(sections.id, page.afterId) : undefined))
        .orderBy(asc(sections.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit);
    });
  }

  async update(next: Section, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome> {
    try {
      return await this.w.transaction(async (tx, apply): Promise<SectionWriteOutcome> => {
        const where = and(eq(sections.tenantId, next.tenantId), eq(sections.id, next.id));
        const [current] = await tx.select({ version: sections.version, name: sections.name }).from(sections).where(where).for('update');
        if (!current) return { kind: 'not-found' };
        if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
        if (next.name !== current.name && (await nameTaken(tx, next.tenantId, next.name, next.id))) throw new NameTakenError('section', next.name);
        await tx.update(sections).set({ name: next.name, description: next.description, version: next.version, updatedAt: next.updatedAt }).where(where);
        await apply(effects);
        return { kind: 'done' };
      });
    } catch (err) {
      throw isUniqueViolation(err, SECTION_NAME_UNIQUE) ? new NameTakenError('section', next.name) : err;
    }
  }

  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<SectionWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<SectionWriteOutcome> => {
      const where = and(eq(sections.tenantId, tenantId), eq(sections.id, id));
      const [current] = await tx.select({ version: sections.version }).from(sections).where(where).for('update');
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
      // Foreign keys do the rest: agents.section_id becomes null, enrollment secrets of the section go.
      await tx.delete(sections).where(where);
      await apply(effects);
      return { kind: 'done' };
    });
  }
}

async function nameTaken(tx: PgTx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  const where = and(eq(sections.tenantId, tenantId), eq(sections.name, name), exceptId ? ne(sections.id, exceptId) : undefined);
  return (await tx.select({ id: sections.id }).from(sections).where(where).limit(1)).length > 0;
}
