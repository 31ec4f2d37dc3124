import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { AgentRecord, NewRegistration, Registration, RegistrationRepository } from '../agent-types.ts';
import type { Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { agentRegistrations, agents } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteRegistrationRepository implements RegistrationRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async find(agentId: string): Promise<Registration | null> {
    return this.w.db.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).get() ?? null;
  }

  async register(reg: NewRegistration, at: Date): Promise<'created' | 'renewed' | 'claimed'> {
    return this.w.transaction((tx) => {
      if (tx.select({ id: agents.id }).from(agents).where(eq(agents.id, reg.agentId)).get()) return 'claimed';
      const existing = tx.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, reg.agentId)).get();
      if (existing?.claimedAt) return 'claimed';
      if (existing) {
        tx.update(agentRegistrations).set({ ...reg, pollCount: 0, updatedAt: at }).where(eq(agentRegistrations.agentId, reg.agentId)).run();
        return 'renewed';
      }
      tx.insert(agentRegistrations).values({ ...reg, pollCount: 0, createdAt: at, updatedAt: at }).run();
      return 'created';
    });
  }

  async countPoll(agentId: string): Promise<number> {
    const row = this.w.db
      .update(agentRegistrations)
      .set({ pollCount: sql`${agentRegistrations.pollCount} + 1` })
      .where(eq(agentRegistrations.agentId, agentId))
      .returning({ n: agentRegistrations.pollCount })
      .get();
    return (row?.n ?? 1) - 1;
  }

  async claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects): Promise<'claimed' | 'already_claimed' | 'missing'> {
    return this.w.transaction((tx, apply) => {
      const reg = tx.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).get();
      if (!reg) return 'missing';
      if (reg.claimedAt || tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)).get()) return 'already_claimed';
      tx.update(agentRegistrations).set({ claimedAt: at, tenantId: agent.tenantId, updatedAt: at }).where(eq(agentRegistrations.agentId, agentId)).run();
      tx.insert(agents).values(agent).run();
      apply(effects);
      return 'claimed';
    });
  }

  async deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date): Promise<boolean> {
    return this.w.transaction((tx) => {
      const won = tx
        .update(agentRegistrations)
        .set({ keyDeliveredAt: at, updatedAt: at })
        .where(and(eq(agentRegistrations.agentId, agentId), isNull(agentRegistrations.keyDeliveredAt), sql`${agentRegistrations.claimedAt} is not null`))
        .run().changes;
      if (won === 0) return false;
      tx.update(agents).set({ keyHash, keyPrefix, updatedAt: at }).where(eq(agents.id, agentId)).run();
      return true;
    });
  }

  async listPending(now: Date, page: PageRequest): Promise<Page<Registration & { id: string }>> {
    const rows = this.w.db
      .select()
      .from(agentRegistrations)
      .where(and(isNull(agentRegistrations.claimedAt), gt(agentRegistrations.expiresAt, now), page.afterId ? gt(agentRegistrations.agentId, page.afterId) : undefined))
      .orderBy(asc(agentRegistrations.agentId))
      .limit(page.limit + 1)
      .all();
    return toPage(
      rows.map((r) => ({ ...r, id: r.agentId })),
      page.limit,
    );
  }

  async pruneExpired(before: Date): Promise<number> {
    return this.w.db.delete(agentRegistrations).where(and(isNull(agentRegistrations.claimedAt), lt(agentRegistrations.expiresAt, before))).run().changes;
  }

  async remove(agentId: string): Promise<void> {
    this.w.db.delete(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).run();
  }
}
