/**
 * Handing executions to polls on Postgres: the releasable executions of many agents in one transaction,
 * their cancel requests, and which parked agents have work.
 *
 * Candidates are read without locks, before the transaction (none found: no transaction). Rollout
 * commands among them are then locked in id order before they are counted, so that deliveries (here or
 * on another instance) take the concurrency slots one at a time; lock order everywhere: command row, then
 * execution rows. Each command's release is one conditional
 * update of the rows still pending, locked in key order with SKIP LOCKED: a row another transaction holds
 * (a concurrent delivery that releases it, a cancel or an expiry) is passed over rather than waited for,
 * so overlapping batches neither release a row twice nor deadlock.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DeliveredCommand, Execution, PollWork } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { countsByCommand, deferredWhere, pollWorkWhere } from '../shared/command.ts';
import { cancelsByAgent, chunked, deliveredByAgent, planRelease, RELEASE_CHUNK, rolloutCommandIds } from '../shared/command-delivery.ts';
import { cancelRequestedExecutions, releaseCandidates } from './poll-reads.ts';
import { countRows } from './command-counts.ts';
import { commandExecutions, commands } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export async function deliver(
  w: PgWriter,
  tenantId: string,
  agentIds: readonly string[],
  now: Date,
  perAgent: number,
  effects: (released: Execution[]) => WriteEffects,
): Promise<Map<string, DeliveredCommand[]>> {
  if (agentIds.length === 0) return new Map();
  const x = commandExecutions;
  // Read before the transaction (the candidates take no locks, and each release below checks its row again):
  // a look that finds nothing, as most do (a poll about to park, an agent polling with nothing sent), costs
  // this one statement instead of BEGIN, the read and COMMIT.
  const candidates = await w.pool.run((db) => releaseCandidates(db, tenantId, agentIds, now));
  if (candidates.length === 0) return new Map();
  return w.transaction(async (tx, apply) => {
    const limited = rolloutCommandIds(candidates);
    if (limited.length > 0) await tx.select({ id: commands.id }).from(commands).where(inArray(commands.id, limited)).orderBy(asc(commands.id)).for('update');
    const plan = planRelease(candidates, limited.length > 0 ? countsByCommand(await countRows(tx, tenantId, limited)) : new Map(), perAgent);
    if (plan.size === 0) return new Map();
    // The releases and the read of their commands go out together (postgres.js pipelines a transaction's
    // statements issued without waiting, and runs them in order): one round trip for all of them.
    const releases: Promise<Execution[]>[] = [];
    for (const [commandId, agents] of plan)
      for (const part of chunked(agents, RELEASE_CHUNK)) {
        const mine = and(eq(x.tenantId, tenantId), eq(x.commandId, commandId), eq(x.state, 'pending'), inArray(x.agentId, part));
        const lockable = tx.select({ agentId: x.agentId }).from(x).where(mine).orderBy(asc(x.agentId)).for('update', { skipLocked: true });
        releases.push(
          tx
            .update(x)
            .set({ state: 'delivered', deliveredAt: now, updatedAt: now })
            .where(and(mine, inArray(x.agentId, lockable)))
            .returning()
            .execute(),
        );
      }
    const cmdsRead = tx
      .select()
      .from(commands)
      .where(and(eq(commands.tenantId, tenantId), inArray(commands.id, [...plan.keys()])))
      .execute();
    // Every statement settles before the transaction goes on; the first failure rolls it back.
    const settled = await Promise.allSettled([cmdsRead, ...releases]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const released = (await Promise.all(releases)).flat();
    if (released.length === 0) return new Map();
    const cmds = await cmdsRead;
    await apply(effects(released));
    return deliveredByAgent(released, cmds);
  });
}

export function cancelRequests(w: PgWriter, tenantId: string, agentIds: readonly string[]): Promise<Map<string, string[]>> {
  return w.pool.run(async (db) => cancelsByAgent(await cancelRequestedExecutions(db, tenantId, agentIds)));
}

export function pollWork(w: PgWriter, tenantId: string, now: Date): Promise<PollWork> {
  const x = commandExecutions;
  return w.pool.run(async (db) => {
    // One statement (one round trip on one connection): this check lies between a command's commit and the
    // wake-up of its agents' polls. Rows with an agent id name agents with work; the one without, the earliest deferred.
    const rows = await db.execute<{ agent_id: string | null; at: string | Date | null }>(sql`
      select ${x.agentId} as agent_id, null::timestamptz as at from ${x} where ${pollWorkWhere(x, tenantId, now)} group by ${x.agentId}
      union all
      select null, min(${x.notBefore}) from ${x} where ${deferredWhere(x, tenantId, now)}`);
    const agentIds: string[] = [];
    let nextDueAt: Date | null = null;
    for (const r of rows) {
      if (r.agent_id !== null) agentIds.push(r.agent_id);
      else if (r.at !== null) nextDueAt = r.at instanceof Date ? r.at : (x.notBefore.mapFromDriverValue(r.at) as Date);
    }
    return { agentIds, nextDueAt };
  });
}
