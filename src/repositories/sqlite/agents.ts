import { and, asc, eq, gt, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Agent, AgentChanges, AgentFilter, AgentKeyMatch, AgentRecord, AgentRepository, UpdateResult } from '../agent-types.ts';
import type { Page, PageRequest, WriteEffects } from '../types.ts';
import { toAgent } from '../shared/mappers.ts';
import { toPage } from '../shared/paging.ts';
import { likePattern } from '../shared/like.ts';
import { keyMatchColumns } from '../shared/agent-columns.ts';
import { agents } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteAgentRepository implements AgentRepository {
  private readonly w: SqliteWriter;
  /** Every agent request authenticates through this lookup: prepared once instead of built per call. */
  private readonly byKeyHash;

  constructor(writer: SqliteWriter) {
    this.w = writer;
    this.byKeyHash = writer.db
      .select(keyMatchColumns(agents))
      .from(agents)
      .where(or(eq(agents.keyHash, sql.placeholder('hash')), and(eq(agents.previousKeyHash, sql.placeholder('hash')), gt(agents.previousKeyExpiresAt, sql.placeholder('now')))))
      .prepare();
  }

  async findById(tenantId: string, id: string): Promise<AgentRecord | null> {
    return this.w.db.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, id))).get() ?? null;
  }

  async findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null> {
    return this.byKeyHash.get({ hash: keyHash, now: now.getTime() }) ?? null;
  }

  async findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null> {
    return this.w.db.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.hardwareId, hardwareId))).get() ?? null;
  }

  async list(tenantId: string, filter: AgentFilter, page: PageRequest): Promise<Page<Agent>> {
    const q = filter.q ? likePattern(filter.q.toLowerCase()) : undefined;
    const rows = this.w.db
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
          filter.tag ? sql`exists (select 1 from json_each(${agents.tags}) where json_each.value = ${filter.tag})` : undefined,
          q ? sql`(lower(${agents.hostname}) like ${q} escape '\\' or lower(${agents.name}) like ${q} escape '\\')` : undefined,
        ),
      )
      .orderBy(asc(agents.id))
      .limit(page.limit + 1)
      .all();
    return toPage(rows.map(toAgent), page.limit);
  }

  async insert(agent: AgentRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(agents).values(agent).run();
      apply(effects);
    }, 'deferred');
  }

  async update(tenantId: string, id: string, changes: AgentChanges, at: Date, effects: (before: AgentRecord, after: AgentRecord) => WriteEffects, expectedVersion?: number): Promise<UpdateResult> {
    return this.w.transaction((tx, apply): UpdateResult => {
      const where = and(eq(agents.tenantId, tenantId), eq(agents.id, id));
      const before = tx.select().from(agents).where(where).get();
      if (!before) return { kind: 'not_found' };
      if (expectedVersion !== undefined && before.version !== expectedVersion) return { kind: 'version_conflict', currentVersion: before.version };
      const after = tx
        .update(agents)
        .set({ ...changes, version: before.version + 1, updatedAt: at })
        .where(where)
        .returning()
        .get()!;
      apply(effects(before, after));
      return { kind: 'updated', agent: after };
    });
  }

  async delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects): Promise<boolean> {
    return this.w.transaction((tx, apply) => {
      const where = and(eq(agents.tenantId, tenantId), eq(agents.id, id));
      const before = tx.select().from(agents).where(where).get();
      if (!before) return false;
      tx.delete(agents).where(where).run();
      apply(effects(before));
      return true;
    });
  }

  async recordHeartbeat(id: string, at: Date, heartbeat: Record<string, unknown>, comingOnline: WriteEffects | null): Promise<void> {
    if (!comingOnline) {
      this.w.db.update(agents).set({ lastSeenAt: at, latestHeartbeat: heartbeat }).where(eq(agents.id, id)).run();
      return;
    }
    this.w.transaction((tx, apply) => {
      tx.update(agents).set({ lastSeenAt: at, latestHeartbeat: heartbeat, online: true, onlineChangedAt: at }).where(eq(agents.id, id)).run();
      apply(comingOnline);
    }, 'deferred');
  }

  async saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void> {
    this.w.db.update(agents).set({ latestStatus: status, statusReportedAt: at }).where(eq(agents.id, id)).run();
  }

  async markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]> {
    return this.w.transaction((tx, apply) => {
      const silent = tx
        .select()
        .from(agents)
        .where(and(eq(agents.online, true), isNotNull(agents.lastSeenAt), lt(agents.lastSeenAt, cutoff)))
        .limit(limit)
        .all();
      for (const agent of silent) {
        tx.update(agents).set({ online: false, onlineChangedAt: at }).where(eq(agents.id, agent.id)).run();
        apply(effects(agent));
      }
      return silent;
    });
  }
}
