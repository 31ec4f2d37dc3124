/** Execution transitions after delivery on SQLite: acks (with the error threshold), cancels, TTL expiry. */
import { and, eq } from 'drizzle-orm';
import type { CommandAck, Execution, ExecutionStateConflict } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, type Done, type NotFound } from '../../domain/outcomes.ts';
import {
  ackable,
  ackChanges,
  CANCELLED_REASON,
  countsByCommand,
  crossedMaxErrors,
  EXPIRED_REASON,
  executionWhere,
  expiredWhere,
  inFlightOf,
  pendingOf,
  repeatsAck,
  slotFreedBy,
  stoppedByErrors,
} from '../shared/command.ts';
import { tenantRow } from '../shared/conditions.ts';
import { countRows } from './command-counts.ts';
import { anyRow } from './rows.ts';
import { commandExecutions, commands } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

type AckOutcome = Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict;

export function ack(
  w: SqliteWriter,
  tenantId: string,
  agentId: string,
  commandId: string,
  ack: CommandAck,
  now: Date,
  effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
): AckOutcome {
  return w.transaction((tx, apply): AckOutcome => {
    const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
    const current = tx.select().from(commandExecutions).where(where).get();
    if (!current) return NOT_FOUND;
    if (repeatsAck(current, ack)) return done({ execution: current, changed: false });
    if (!ackable(current)) return { kind: 'state_conflict', current };
    const [updated] = tx.update(commandExecutions).set(ackChanges(ack, now)).where(where).returning().all();
    const command = tx
      .select({ maxErrors: commands.maxErrors, maxConcurrency: commands.maxConcurrency })
      .from(commands)
      .where(tenantRow(commands, tenantId, commandId))
      .get();
    const maxErrors = command?.maxErrors ?? null;
    const crossed = maxErrors !== null && crossedMaxErrors(maxErrors, updated!, countsByCommand(countRows(tx, tenantId, [commandId])).get(commandId));
    const stopped = crossed
      ? tx
          .update(commandExecutions)
          .set(stoppedByErrors(now))
          .where(pendingOf(commandExecutions, tenantId, commandId))
          .returning()
          .all()
      : [];
    apply(effects(updated!, stopped, slotFreedBy(command?.maxConcurrency ?? null, current, stopped)));
    return done({ execution: updated!, changed: true });
  });
}

export function cancel(w: SqliteWriter, tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Done<Execution[]> | NotFound {
  return w.transaction((tx, apply): Done<Execution[]> | NotFound => {
    if (!anyRow(tx.select({ id: commands.id }).from(commands), tenantRow(commands, tenantId, commandId))) return NOT_FOUND;
    const x = commandExecutions;
    const cancelled = tx
      .update(x)
      .set({ state: 'cancelled', reason: CANCELLED_REASON, updatedAt: now })
      .where(pendingOf(x, tenantId, commandId))
      .returning()
      .all();
    const flagged = tx
      .update(x)
      .set({ cancelRequested: true, updatedAt: now })
      .where(inFlightOf(x, tenantId, commandId))
      .returning()
      .all();
    const changed = [...cancelled, ...flagged];
    apply(effects(changed));
    return done(changed);
  });
}

export function expire(w: SqliteWriter, now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Execution[] {
  return w.transaction((tx, apply) => {
    const x = commandExecutions;
    const due = tx.select().from(x).where(expiredWhere(x, now)).limit(limit).all();
    const expired: Execution[] = [];
    for (const e of due) {
      const [row] = tx
        .update(x)
        .set({ state: 'expired', reason: EXPIRED_REASON, updatedAt: now })
        .where(and(executionWhere(x, e.tenantId, e.agentId, e.commandId), eq(x.state, e.state)))
        .returning()
        .all();
      if (!row) continue;
      apply(effects(row));
      expired.push(row);
    }
    return expired;
  });
}
