import { and, eq, sql } from 'drizzle-orm';
import type { AgentChanges, AgentFilter, AgentKeyMatch, AgentOrder, AgentRecord, PresenceCount } from '../../domain/agent.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, versionConflict } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { AgentRepository, HeartbeatWrite } from '../ports/agent.ts';
import { activeAgentsOf, agentList, keyHashMatches, keyMatchColumns, presenceColumns, silentSince, withHardwareId } from '../shared/agent.ts';
import { combinedEffects } from '../shared/combined-effects.ts';
import { columnPlaceholders, setValue } from '../shared/statement-template.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import { agents } from './schema.ts';
import { hasTag } from './tags.ts';
import { firstRow } from './rows.ts';
import { PreparedTemplate } from './prepared-template.ts';
import type { SqliteWriter } from './transaction.ts';

/** Built once: the list filter's tag condition on this table. */
const agentHasTag = (tag: string) => hasTag(agents.tags, tag);

export class SqliteAgentRepository implements AgentRepository {
  private readonly w: SqliteWriter;
  /** Every agent request authenticates through this lookup: prepared once instead of built per call. */
  private readonly byKeyHash;

  /** Enrolment and heartbeats write these for every agent: built once (see shared/statement-template.ts). */
  private readonly insertRow: PreparedTemplate;
  private readonly beatOnline: PreparedTemplate;
  private readonly beatComingOnline: PreparedTemplate;
  private readonly byId;

  constructor(writer: SqliteWriter) {
    this.w = writer;
    const { db } = writer;
    this.byKeyHash = db.select(keyMatchColumns(agents)).from(agents).where(keyHashMatches(agents)).prepare();
    this.insertRow = new PreparedTemplate(db.$client, db.insert(agents).values(columnPlaceholders(agents)).toSQL());
    const id = sql.placeholder('id');
    const [at, heartbeat] = [setValue('at'), setValue('heartbeat')];
    this.beatOnline = new PreparedTemplate(
      db.$client,
      db
        .update(agents)
        .set({ lastSeenAt: at, latestHeartbeat: heartbeat })
        .where(and(eq(agents.id, id), eq(agents.online, true)))
        .toSQL(),
    );
    this.beatComingOnline = new PreparedTemplate(db.$client, db.update(agents).set({ lastSeenAt: at, latestHeartbeat: heartbeat, online: true, onlineChangedAt: at }).where(eq(agents.id, id)).toSQL());
    this.byId = db.select().from(agents).where(eq(agents.id, id)).prepare();
  }

  async findById(tenantId: string, id: string): Promise<AgentRecord | null> {
    return firstRow(this.w.db.select().from(agents), tenantRow(agents, tenantId, id));
  }

  async findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null> {
    return this.byKeyHash.get({ hash: keyHash, now: now.getTime() }) ?? null;
  }

  async findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null> {
    return firstRow(this.w.db.select().from(agents), withHardwareId(agents, tenantId, hardwareId));
  }

  async list(tenantId: string, filter: AgentFilter, page: PageRequest, order?: AgentOrder): Promise<Page<AgentRecord>> {
    const q = agentList(agents, tenantId, filter, page, agentHasTag, order);
    return toPage(this.w.db.select().from(agents).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  async insert(agent: AgentRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((_tx, apply) => {
      this.insertRow.run(agent);
      apply(effects);
    }, 'deferred');
  }

  async update(tenantId: string, id: string, changes: AgentChanges, at: Date, effects: (before: AgentRecord, after: AgentRecord) => WriteEffects, expectedVersion?: number) {
    return this.w.transaction((tx, apply) => {
      const where = tenantRow(agents, tenantId, id);
      const before = tx.select().from(agents).where(where).get();
      if (!before) return NOT_FOUND;
      if (expectedVersion !== undefined && before.version !== expectedVersion) return versionConflict(before.version);
      const after = tx
        .update(agents)
        .set({ ...changes, version: before.version + 1, updatedAt: at })
        .where(where)
        .returning()
        .get()!;
      apply(effects(before, after));
      return done(after);
    });
  }

  async delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const before = tx
        .delete(agents)
        .where(tenantRow(agents, tenantId, id))
        .returning()
        .get();
      if (!before) return NOT_FOUND;
      apply(effects(before));
      return done();
    });
  }

  async recordHeartbeats(beats: readonly HeartbeatWrite[]): Promise<('written' | 'online')[]> {
    return this.w.transaction((_tx, apply) => {
      // The events of the agents coming back online are written together, after the loop (a reconnect storm
      // brings a group's worth at a time): one event-counter update for the group, then a prepared insert run per event.
      const effects: WriteEffects[] = [];
      const outcomes = beats.map((beat): 'written' | 'online' => {
        if (this.beatOnline.run(beat).changes > 0) return 'written';
        const before = this.byId.get({ id: beat.id });
        // Deleted meanwhile: nothing to write or announce.
        if (!before) return 'written';
        this.beatComingOnline.run(beat);
        effects.push(beat.comingOnline(before));
        return 'online';
      });
      for (const e of combinedEffects(effects)) apply(e);
      return outcomes;
    });
  }

  async saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void> {
    this.w.db.update(agents).set({ latestStatus: status, statusReportedAt: at }).where(eq(agents.id, id)).run();
  }

  async markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]> {
    return this.w.transaction((tx, apply) => {
      const silent = tx.select().from(agents).where(silentSince(agents, cutoff)).limit(limit).all();
      for (const agent of silent) tx.update(agents).set({ online: false, onlineChangedAt: at }).where(eq(agents.id, agent.id)).run();
      for (const e of combinedEffects(silent.map(effects))) apply(e);
      return silent;
    });
  }

  async countByPresence(tenantIds?: readonly string[]): Promise<PresenceCount[]> {
    if (tenantIds?.length === 0) return [];
    return this.w.db.select(presenceColumns(agents)).from(agents).where(activeAgentsOf(agents, tenantIds)).groupBy(agents.tenantId, agents.online).all();
  }
}
