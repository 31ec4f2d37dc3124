import { eq, sql } from 'drizzle-orm';
import type { AgentRecord } from '../../domain/agent.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { ALREADY_DONE, done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { NewRegistration, PendingRegistration, Registration } from '../../domain/registration.ts';
import type { RegistrationRepository } from '../ports/registration.ts';
import { toPage } from '../shared/paging.ts';
import { expiredUnclaimed, keyUndelivered, pendingList, toPending } from '../shared/registration.ts';
import { agentRegistrations, agents } from './schema.ts';
import { anyRow, firstRow } from './rows.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteRegistrationRepository implements RegistrationRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async find(agentId: string): Promise<Registration | null> {
    return firstRow(this.w.db.select().from(agentRegistrations), eq(agentRegistrations.agentId, agentId));
  }

  async register(reg: NewRegistration, at: Date) {
    return this.w.transaction((tx) => {
      if (anyRow(tx.select({ id: agents.id }).from(agents), eq(agents.id, reg.agentId))) return ALREADY_DONE;
      const existing = tx.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, reg.agentId)).get();
      if (existing?.claimedAt) return ALREADY_DONE;
      if (existing) {
        tx.update(agentRegistrations)
          .set({ ...reg, pollCount: 0, updatedAt: at })
          .where(eq(agentRegistrations.agentId, reg.agentId))
          .run();
        return done('renewed' as const);
      }
      tx.insert(agentRegistrations)
        .values({ ...reg, pollCount: 0, createdAt: at, updatedAt: at })
        .run();
      return done('created' as const);
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

  async claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const reg = tx.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).get();
      if (!reg) return NOT_FOUND;
      if (reg.claimedAt || anyRow(tx.select({ id: agents.id }).from(agents), eq(agents.id, agentId))) return ALREADY_DONE;
      tx.update(agentRegistrations).set({ claimedAt: at, tenantId: agent.tenantId, updatedAt: at }).where(eq(agentRegistrations.agentId, agentId)).run();
      tx.insert(agents).values(agent).run();
      apply(effects);
      return done();
    });
  }

  async deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date) {
    return this.w.transaction((tx) => {
      const won = tx.update(agentRegistrations).set({ keyDeliveredAt: at, updatedAt: at }).where(keyUndelivered(agentRegistrations, agentId)).run().changes;
      if (won === 0) return ALREADY_DONE;
      tx.update(agents).set({ keyHash, keyPrefix, updatedAt: at }).where(eq(agents.id, agentId)).run();
      return done();
    });
  }

  async listPending(now: Date, page: PageRequest): Promise<Page<PendingRegistration>> {
    const q = pendingList(agentRegistrations, now, page);
    return toPage(this.w.db.select().from(agentRegistrations).where(q.where).orderBy(q.orderBy).limit(q.limit).all().map(toPending), page.limit);
  }

  async pruneExpired(before: Date): Promise<number> {
    return this.w.db.delete(agentRegistrations).where(expiredUnclaimed(agentRegistrations, before)).run().changes;
  }

  async remove(agentId: string): Promise<void> {
    this.w.db.delete(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).run();
  }
}
