import { and, asc, eq, gt, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Agent, AgentChanges, AgentFilter, AgentKeyMatch, AgentRecord, AgentRepository, UpdateResult } from '../agent-types.ts';
import type { Page, PageRequest, WriteEffects } from '../types.ts';
import { toAgent } from '../shared/mappers.ts';
import { toPage } from '../shared/paging.ts';
import { likePattern } from '../shared/like.ts';
import { keyMatchColumns } from '../shared/agent-columns.ts';
import { agents } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export class PgAgentRepository implements AgentRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  findById(tenantId: string, id: string): Promise<AgentRecord | null> {
    return this.w.pool.run(async (db) => (await db.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, id))).limit(1))[0] ?? null);
  }

  /** Every agent request authenticates through this: built and prepared once (Drizzle's query building cost more than the query). */
  private byKeyHash: ReturnType<PgAgentRepository['prepareByKeyHash']> | undefined;

  private prepareByKeyHash() {
    return this.w.pool.db
      .select(keyMatchColumns(agents))
      .from(agents)
      .where(or(eq(agents.keyHash, sql.placeholder('hash')), and(eq(agents.previousKeyHash, sql.placeholder('hash')), gt(agents.previousKeyExpiresAt, sql.placeholder('now')))))
      .limit(1)
      .prepare('agent_by_key_hash');
  }

  findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null> {
    this.byKeyHash ??= this.prepareByKeyHash();
    const query = this.byKeyHash;
    return this.w.pool.run(async () => (await query.execute({ hash: keyHash, now: now.toISOString() }))[0] ?? null);
  }

  findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null> {
    return this.w.pool.run(
      async (db) => (await db.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.hardwareId, hardwareId))).limit(1))[0] ?? null,
    );
  }

  list(tenantId: string, filter: AgentFilter, page: PageRequest): Promise<Page<Agent>> {
    const q = filter.q ? likePattern(filter.q.toLowerCase()) : undefined;
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(agents)
        .where(
          and(
            eq(agents.tenantId, tenantId),
            page.afterId ? gt(agents.id, page.afterId) : undefined,
            filter.status ? eq(agents.status, filter.status) : undefined,
            filter.online !== undefined ? eq(agents.online, filter.online) : undefined,
            filter.os ? eq(agents.os, filter.os) : undefined,
            filter.sectionId ? eq(agents.sectionId, filter.sectionId) : undefined,
            filter.tag ? sql`${agents.tags} @> ${JSON.stringify([filter.tag])}::jsonb` : undefined,
            q ? sql`(lower(${agents.hostname}) like ${q} escape '\\' or lower(${agents.name}) like ${q} escape '\\')` : undefined,
          ),
        )
        .orderBy(asc(agents.id))
        .limit(page.limit + 1);
      return toPage(rows.map(toAgent), page.limit);
    });
  }

  insert(agent: AgentRecord, effects: WriteEffects): Promise<void> {
    return this.w.transaction(async (tx, apply) => {
      await tx.insert(agents).values(agent);
      await apply(effects);
    });
  }

  update(tenantId: string, id: string, changes: AgentChanges, at: Date, effects: (before: AgentRecord, after: AgentRecord) => WriteEffects, expectedVersion?: number): Promise<UpdateResult> {
    return this.w.transaction(async (tx, apply): Promise<UpdateResult> => {
      const where = and(eq(agents.tenantId, tenantId), eq(agents.id, id));
      const [before] = await tx.select().from(agents).where(where).for('update');
      if (!before) return { kind: 'not_found' };
      if (expectedVersion !== undefined && before.version !== expectedVersion) return { kind: 'version_conflict', currentVersion: before.version };
      const [after] = await tx
        .update(agents)
        .set({ ...changes, version: before.version + 1, updatedAt: at })
        .where(where)
        .returning();
      await apply(effects(before, after!));
      return { kind: 'updated', agent: after! };
    });
  }

  delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects): Promise<boolean> {
    return this.w.transaction(async (tx, apply) => {
      const where = and(eq(agents.tenantId, tenantId), eq(agents.id, id));
      const [before] = await tx.select().from(agents).where(where).for('update');
      if (!before) return false;
      await tx.delete(agents).where(where);
      await apply(effects(before));
      return true;
    });
  }

  async recordHeartbeat(id: string, at: Date, heartbeat: Record<string, unknown>, comingOnline: WriteEffects | null): Promise<void> {
    if (!comingOnline) {
      await this.w.pool.run((db) => db.update(agents).set({ lastSeenAt: at, latestHeartbeat: heartbeat }).where(eq(agents.id, id)));
      return;
    }
    await this.w.transaction(async (tx, apply) => {
      await tx.update(agents).set({ lastSeenAt: at, latestHeartbeat: heartbeat, online: true, onlineChangedAt: at }).where(eq(agents.id, id));
      await apply(comingOnline);
    });
  }

  async saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(agents).set({ latestStatus: status, statusReportedAt: at }).where(eq(agents.id, id)));
  }

  markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]> {
    return this.w.transaction(async (tx, apply) => {
      // Rows another instance is flipping right now are skipped, not waited for: each agent is flipped (and announced) once.
      const silent = await tx
        .select()
        .from(agents)
        .where(and(eq(agents.online, true), isNotNull(agents.lastSeenAt), lt(agents.lastSeenAt, cutoff)))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (silent.length === 0) return [];
      await tx
        .update(agents)
        .set({ online: false, onlineChangedAt: at })
        .where(inArray(agents.id, silent.map((a) => a.id)));
      for (const agent of silent) await apply(effects(agent));
      return silent;
    });
  }
}
