/**
 * Handing executions to polls on SQLite: the releasable executions of many agents in one transaction, their
 * cancel requests, and which parked agents have work. One writer at a time on SQLite: the rollout counts
 * cannot change under a delivery, and the conditional update (state still pending) releases each row once.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DeliveredCommand, Execution, PollWork } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { countsByCommand, deferredWhere, pollWorkWhere } from '../shared/command.ts';
import { cancelsByAgent, chunked, deliveredByAgent, planRelease, RELEASE_CHUNK, rolloutCommandIds } from '../shared/command-delivery.ts';
import { cancelRequestedExecutions, releaseCandidates } from './poll-reads.ts';
import { countRows } from './command-counts.ts';
import { commandExecutions, commands } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export function deliver(w: SqliteWriter, tenantId: string, agentIds: readonly string[], now: Date, perAgent: number, effects: (released: Execution[]) => WriteEffects): Map<string, DeliveredCommand[]> {
  if (agentIds.length === 0) return new Map();
  const x = commandExecutions;
  // Read before the transaction: a look that finds nothing, as most do, takes no write lock and commits
  // nothing. A candidate another instance releases or cancels meanwhile is not released again (each update
  // below requires the row still pending), and the rollout counts are read under the write lock.
  const candidates = releaseCandidates(w.db.$client, tenantId, agentIds, now);
  if (candidates.length === 0) return new Map();
  return w.transaction((tx, apply) => {
    const limited = rolloutCommandIds(candidates);
    const plan = planRelease(candidates, limited.length > 0 ? countsByCommand(countRows(tx, tenantId, limited)) : new Map(), perAgent);
    const released: Execution[] = [];
    for (const [commandId, agents] of plan)
      for (const part of chunked(agents, RELEASE_CHUNK))
        released.push(
          ...tx
            .update(x)
            .set({ state: 'delivered', deliveredAt: now, updatedAt: now })
            .where(and(eq(x.tenantId, tenantId), eq(x.commandId, commandId), eq(x.state, 'pending'), inArray(x.agentId, part)))
            .returning()
            .all(),
        );
    if (released.length === 0) return new Map();
    const cmds = tx
      .select()
      .from(commands)
      .where(and(eq(commands.tenantId, tenantId), inArray(commands.id, [...plan.keys()])))
      .all();
    apply(effects(released));
    return deliveredByAgent(released, cmds);
  });
}

export function cancelRequests(w: SqliteWriter, tenantId: string, agentIds: readonly string[]): Map<string, string[]> {
  return cancelsByAgent(cancelRequestedExecutions(w.db.$client, tenantId, agentIds));
}

export function pollWork(w: SqliteWriter, tenantId: string, now: Date): PollWork {
  const x = commandExecutions;
  const agents = w.db
    .selectDistinct({ agentId: x.agentId })
    .from(x)
    .where(pollWorkWhere(x, tenantId, now))
    .all();
  const next = w.db
    .select({ at: sql<Date | null>`min(${x.notBefore})`.mapWith(x.notBefore) })
    .from(x)
    .where(deferredWhere(x, tenantId, now))
    .get();
  return { agentIds: agents.map((r) => r.agentId), nextDueAt: next?.at ?? null };
}
