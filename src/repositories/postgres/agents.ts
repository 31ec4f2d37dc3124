import { asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AgentChanges, AgentFilter, AgentKeyMatch, AgentOrder, AgentRecord, PresenceCount } from '../../domain/agent.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, versionConflict } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { AgentRepository, HeartbeatWrite } from '../ports/agent.ts';
import { textArray, timeArray } from './arrays.ts';
import { activeAgentsOf, agentList, keyHashMatches, keyMatchColumns, presenceColumns, silentSince, withHardwareId } from '../shared/agent.ts';
import { combinedEffects } from '../shared/combined-effects.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import { agents } from './schema.ts';
import { hasTag } from './tags.ts';
import { firstRow } from './rows.ts';
import { RowsTemplate } from './rows-template.ts';
import type { PgWriter } from './transaction.ts';

/** Built once: the list filter's tag condition on this table. */
const agentHasTag = (tag: string) => hasTag(agents.tags, tag);

export class PgAgentRepository implements AgentRepository {
  private readonly w: PgWriter;

  /** The "coming online" path reads its agents' rows for update, every group of heartbeats that brings some back: built once. */
  private readonly lockRows: RowsTemplate<typeof agents>;

  constructor(writer: PgWriter) {
    this.w = writer;
    this.lockRows = new RowsTemplate(
      agents,
      writer.pool.db
        .select()
        .from(agents)
        .where(sql`${agents.id} = any(${sql.placeholder('ids')}::uuid[])`)
        .orderBy(asc(agents.id))
        .for('update'),
    );
  }

  findById(tenantId: string, id: string): Promise<AgentRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(agents), tenantRow(agents, tenantId, id)));
  }

  /** Every agent request authenticates through this: built and prepared once (Drizzle's query building cost more than the query). */
  private byKeyHash: ReturnType<PgAgentRepository['prepareByKeyHash']> | undefined;

  private prepareByKeyHash() {
    return this.w.pool.db.select(keyMatchColumns(agents)).from(agents).where(keyHashMatches(agents)).limit(1).prepare('agent_by_key_hash');
  }

  findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null> {
    this.byKeyHash ??= this.prepareByKeyHash();
    const query = this.byKeyHash;
    return this.w.pool.run(async () => (await query.execute({ hash: keyHash, now: now.toISOString() }))[0] ?? null);
  }

  findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(agents), withHardwareId(agents, tenantId, hardwareId)));
  }

  list(tenantId: string, filter: AgentFilter, page: PageRequest, order?: AgentOrder): Promise<Page<AgentRecord>> {
    const q = agentList(agents, tenantId, filter, page, agentHasTag, order);
    return this.w.pool.run(async (db) => toPage(await db.select().from(agents).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  /** One statement with its audit row and events (one round trip, autocommit): enrolling a fleet is thousands of these. */
  insert(agent: AgentRecord, effects: WriteEffects): Promise<void> {
    return this.w.insertRow(agents, 'agents', agent, effects);
  }

  update(tenantId: string, id: string, changes: AgentChanges, at: Date, effects: (before: AgentRecord, after: AgentRecord) => WriteEffects, expectedVersion?: number) {
    return this.w.transaction(async (tx, apply) => {
      const where = tenantRow(agents, tenantId, id);
      const [before] = await tx.select().from(agents).where(where).for('update');
      if (!before) return NOT_FOUND;
      if (expectedVersion !== undefined && before.version !== expectedVersion) return versionConflict(before.version);
      const [after] = await tx
        .update(agents)
        .set({ ...changes, version: before.version + 1, updatedAt: at })
        .where(where)
        .returning();
      await apply(effects(before, after!));
      return done(after!);
    });
  }

  delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const [before] = await tx
        .delete(agents)
        .where(tenantRow(agents, tenantId, id))
        .returning();
      if (!before) return NOT_FOUND;
      await apply(effects(before));
      return done();
    });
  }

  async recordHeartbeats(beats: readonly HeartbeatWrite[]): Promise<('written' | 'online')[]> {
    // One statement for the online agents (the common case): a single commit for the whole group.
    const updated = await this.w.pool.run((db) =>
      db.execute<{ id: string }>(sql`
        update ${agents} set last_seen_at = v.at, latest_heartbeat = v.heartbeat::jsonb
        from ${heartbeatRows(beats)}
        where ${agents.id} = v.id and ${agents.online}
        returning ${agents.id} as id`),
    );
    const written = new Set(updated.map((r) => r.id));
    const offline = beats.filter((b) => !written.has(b.id));
    const flipped = new Set<string>();
    if (offline.length > 0) {
      await this.w.transaction(async (tx, apply) => {
        // Every row first, in id order, and only then the events (the tenant's event counter): the order the
        // ingestion writer keeps too (its agents in id order, then the counter), so the two cannot deadlock.
        const locked = await this.lockRows.rows(tx, { ids: textArray(offline.map((b) => b.id)) });
        const rows = new Map(locked.map((r) => [r.id, r]));
        // Deleted meanwhile: nothing to write or announce. Brought online by another request: written, not announced.
        // One entry per agent (the last of its heartbeats in the group), as the update can set a row only once.
        const present = [...new Map(offline.filter((b) => rows.has(b.id)).map((b) => [b.id, b])).values()];
        if (present.length === 0) return;
        // One statement for all of them, and their events together: a reconnect storm brings agents back
        // online a group at a time, and a statement per agent kept each group's row locks for as many round trips.
        await tx.execute(sql`
          update ${agents} set last_seen_at = v.at, latest_heartbeat = v.heartbeat::jsonb, online = true, online_changed_at = v.at
          from ${heartbeatRows(present)}
          where ${agents.id} = v.id`);
        const effects: WriteEffects[] = [];
        for (const { id, comingOnline } of present) {
          const before = rows.get(id)!;
          if (before.online) continue;
          effects.push(comingOnline(before));
          flipped.add(id);
        }
        for (const e of combinedEffects(effects)) await apply(e);
      });
    }
    return beats.map((b) => (flipped.has(b.id) ? 'online' : 'written'));
  }

  async saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void> {
    await this.w.pool.run((db) => db.update(agents).set({ latestStatus: status, statusReportedAt: at }).where(eq(agents.id, id)));
  }

  markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]> {
    return this.w.transaction(async (tx, apply) => {
      // Rows another instance is flipping right now are skipped, not waited for: each agent is flipped (and announced) once.
      const silent = await tx.select().from(agents).where(silentSince(agents, cutoff)).limit(limit).for('update', { skipLocked: true });
      if (silent.length === 0) return [];
      await tx
        .update(agents)
        .set({ online: false, onlineChangedAt: at })
        .where(
          inArray(
            agents.id,
            silent.map((a) => a.id),
          ),
        );
      for (const e of combinedEffects(silent.map(effects))) await apply(e);
      return silent;
    });
  }

  countByPresence(tenantIds?: readonly string[]): Promise<PresenceCount[]> {
    if (tenantIds?.length === 0) return Promise.resolve([]);
    return this.w.pool.run((db) => db.select(presenceColumns(agents)).from(agents).where(activeAgentsOf(agents, tenantIds)).groupBy(agents.tenantId, agents.online));
  }
}

/** The heartbeats as rows `v(id, at, heartbeat)` for an `update … from`: three array parameters, whatever their number. */
function heartbeatRows(beats: readonly HeartbeatWrite[]): SQL {
  return sql`unnest(${textArray(beats.map((b) => b.id))}::uuid[], ${timeArray(beats.map((b) => b.at))}::timestamptz[], ${textArray(beats.map((b) => JSON.stringify(b.heartbeat)))}::text[]) as v(id, at, heartbeat)`;
}
