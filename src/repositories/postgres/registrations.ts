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
import type { PgWriter } from './transaction.ts';

export class PgRegistrationRepository implements RegistrationRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  find(agentId: string): Promise<Registration | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(agentRegistrations), eq(agentRegistrations.agentId, agentId)));
  }

  register(reg: NewRegistration, at: Date) {
    return this.w.transaction(async (tx) => {
      if (await anyRow(tx.select({ id: agents.id }).from(agents), eq(agents.id, reg.agentId))) return ALREADY_DONE;
      const where = eq(agentRegistrations.agentId, reg.agentId);
      // A concurrent insert of the same id makes this wait until the other transaction ends, then do nothing;
      // the row it committed is then locked and renewed. Should that row vanish in between (pruned, removed), try again.
      for (;;) {
        const inserted = await tx
          .insert(agentRegistrations)
          .values({ ...reg, pollCount: 0, createdAt: at, updatedAt: at })
          .onConflictDoNothing({ target: agentRegistrations.agentId })
          .returning({ agentId: agentRegistrations.agentId });
        if (inserted.length > 0) return done('created' as const);
        const [existing] = await tx.select().from(agentRegistrations).where(where).for('update');
        if (!existing) continue;
        if (existing.claimedAt) return ALREADY_DONE;
        await tx
          .update(agentRegistrations)
          .set({ ...reg, pollCount: 0, updatedAt: at })
          .where(where);
        return done('renewed' as const);
      }
    });
  }

  countPoll(agentId: string): Promise<number> {
    return this.w.pool.run(async (db) => {
      const [row] = await db
        .update(agentRegistrations)
        .set({ pollCount: sql`${agentRegistrations.pollCount} + 1` })
        .where(eq(agentRegistrations.agentId, agentId))
        .returning({ n: agentRegistrations.pollCount });
      return (row?.n ?? 1) - 1;
    });
  }

  claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const where = eq(agentRegistrations.agentId, agentId);
      // The row lock makes concurrent claims take turns: the later one sees `claimed_at` set.
      const [reg] = await tx.select().from(agentRegistrations).where(where).for('update');
      if (!reg) return NOT_FOUND;
      if (reg.claimedAt || (await anyRow(tx.select({ id: agents.id }).from(agents), eq(agents.id, agentId)))) return ALREADY_DONE;
      await tx.update(agentRegistrations).set({ claimedAt: at, tenantId: agent.tenantId, updatedAt: at }).where(where);
      await tx.insert(agents).values(agent);
      await apply(effects);
      return done();
    });
  }

  deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date) {
    return this.w.transaction(async (tx) => {
      // One conditional UPDATE: a concurrent poll waits on the row, then finds key_delivered_at set and matches nothing.
      const won = await tx.update(agentRegistrations).set({ keyDeliveredAt: at, updatedAt: at }).where(keyUndelivered(agentRegistrations, agentId)).returning({ agentId: agentRegistrations.agentId });
      if (won.length === 0) return ALREADY_DONE;
      await tx.update(agents).set({ keyHash, keyPrefix, updatedAt: at }).where(eq(agents.id, agentId));
      return done();
    });
  }

  listPending(now: Date, page: PageRequest): Promise<Page<PendingRegistration>> {
    const q = pendingList(agentRegistrations, now, page);
    return this.w.pool.run(async (db) => toPage((await db.select().from(agentRegistrations).where(q.where).orderBy(q.orderBy).limit(q.limit)).map(toPending), page.limit));
  }

  pruneExpired(before: Date): Promise<number> {
    return this.w.pool.run(async (db) => (await db.delete(agentRegistrations).where(expiredUnclaimed(agentRegistrations, before)).returning({ agentId: agentRegistrations.agentId })).length);
  }

  async remove(agentId: string): Promise<void> {
    await this.w.pool.run((db) => db.delete(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)));
  }
}
