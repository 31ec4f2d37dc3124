import { and, asc, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { AgentRecord, NewRegistration, Registration, RegistrationRepository } from '../agent-types.ts';
import type { Page, PageRequest, WriteEffects } from '../types.ts';
import { toPage } from '../shared/paging.ts';
import { agentRegistrations, agents } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export class PgRegistrationRepository implements RegistrationRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  find(agentId: string): Promise<Registration | null> {
    return this.w.pool.run(async (db) => (await db.select().from(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)).limit(1))[0] ?? null);
  }

  register(reg: NewRegistration, at: Date): Promise<'created' | 'renewed' | 'claimed'> {
    return this.w.transaction(async (tx) => {
      if ((await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, reg.agentId)).limit(1)).length > 0) return 'claimed';
      const where = eq(agentRegistrations.agentId, reg.agentId);
      // A concurrent insert of the same id makes this wait until the other transaction ends, then do nothing;
      // the row it committed is then locked and renewed. Should that row vanish in between (pruned, removed), try again.
      for (;;) {
        const inserted = await tx
          .insert(agentRegistrations)
          .values({ ...reg, pollCount: 0, createdAt: at, updatedAt: at })
          .onConflictDoNothing({ target: agentRegistrations.agentId })
          .returning({ agentId: agentRegistrations.agentId });
        if (inserted.length > 0) return 'created';
        const [existing] = await tx.select().from(agentRegistrations).where(where).for('update');
        if (!existing) continue;
        if (existing.claimedAt) return 'claimed';
        await tx
          .update(agentRegistrations)
          .set({ ...reg, pollCount: 0, updatedAt: at })
          .where(where);
        return 'renewed';
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

  claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects): Promise<'claimed' | 'already_claimed' | 'missing'> {
    return this.w.transaction(async (tx, apply) => {
      const where = eq(agentRegistrations.agentId, agentId);
      // The row lock makes concurrent claims take turns: the later one sees `claimed_at` set.
      const [reg] = await tx.select().from(agentRegistrations).where(where).for('update');
      if (!reg) return 'missing';
      if (reg.claimedAt || (await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)).limit(1)).length > 0) return 'already_claimed';
      await tx.update(agentRegistrations).set({ claimedAt: at, tenantId: agent.tenantId, updatedAt: at }).where(where);
      await tx.insert(agents).values(agent);
      await apply(effects);
      return 'claimed';
    });
  }

  deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date): Promise<boolean> {
    return this.w.transaction(async (tx) => {
      // One conditional UPDATE: a concurrent poll waits on the row, then finds key_delivered_at set and matches nothing.
      const won = await tx
        .update(agentRegistrations)
        .set({ keyDeliveredAt: at, updatedAt: at })
        .where(and(eq(agentRegistrations.agentId, agentId), isNull(agentRegistrations.keyDeliveredAt), isNotNull(agentRegistrations.claimedAt)))
        .returning({ agentId: agentRegistrations.agentId });
      if (won.length === 0) return false;
      await tx.update(agents).set({ keyHash, keyPrefix, updatedAt: at }).where(eq(agents.id, agentId));
      return true;
    });
  }

  listPending(now: Date, page: PageRequest): Promise<Page<Registration & { id: string }>> {
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(agentRegistrations)
        .where(and(isNull(agentRegistrations.claimedAt), gt(agentRegistrations.expiresAt, now), page.afterId ? gt(agentRegistrations.agentId, page.afterId) : undefined))
        .orderBy(asc(agentRegistrations.agentId))
        .limit(page.limit + 1);
      return toPage(
        rows.map((r) => ({ ...r, id: r.agentId })),
        page.limit,
      );
    });
  }

  pruneExpired(before: Date): Promise<number> {
    return this.w.pool.run(
      async (db) =>
        (await db.delete(agentRegistrations).where(and(isNull(agentRegistrations.claimedAt), lt(agentRegistrations.expiresAt, before))).returning({ agentId: agentRegistrations.agentId }))
          .length,
    );
  }

  async remove(agentId: string): Promise<void> {
    await this.w.pool.run((db) => db.delete(agentRegistrations).where(eq(agentRegistrations.agentId, agentId)));
  }
}
