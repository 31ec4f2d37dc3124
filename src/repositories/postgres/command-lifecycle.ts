/** Execution transitions after delivery on Postgres: acks (with the error threshold), cancels, TTL expiry. */
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
import type { PgWriter } from './transaction.ts';

export function ack(
  w: PgWriter,

  tenantId: string,
  agentId: string,
  commandId: string,
  ack: CommandAck,
  now: Date,
  effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> {
  return w.transaction(async (tx, apply): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> => {
    // With an error threshold the command row is locked first (the lock order of deliveries), so that
    // concurrent failures are counted one after the other.
    const [command] = await tx
      .select({ maxErrors: commands.maxErrors, maxConcurrency: commands.maxConcurrency })
      .from(commands)
      .where(tenantRow(commands, tenantId, commandId));
    const maxErrors = command?.maxErrors ?? null;
    if (maxErrors !== null)
      await tx
        .select({ id: commands.id })
        .from(commands)
        .where(tenantRow(commands, tenantId, commandId))
        .for('update');
    const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
    const [current] = await tx.select().from(commandExecutions).where(where).for('update');
    if (!current) return NOT_FOUND;
    if (repeatsAck(current, ack)) return done({ execution: current, changed: false });
    if (!ackable(current)) return { kind: 'state_conflict', current };
    const [updated] = await tx.update(commandExecutions).set(ackChanges(ack, now)).where(where).returning();
    const crossed = maxErrors !== null && crossedMaxErrors(maxErrors, updated!, countsByCommand(await countRows(tx, tenantId, [commandId])).get(commandId));
    const stopped = crossed
      ? await tx
          .update(commandExecutions)
          .set(stoppedByErrors(now))
          .where(pendingOf(commandExecutions, tenantId, commandId))
          .returning()
      : [];
    await apply(effects(updated!, stopped, slotFreedBy(command?.maxConcurrency ?? null, current, stopped)));
    return done({ execution: updated!, changed: true });
  });
}

export function cancel(w: PgWriter, tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Promise<Done<Execution[]> | NotFound> {
  return w.transaction(async (tx, apply): Promise<Done<Execution[]> | NotFound> => {
    if (!(await anyRow(tx.select({ id: commands.id }).from(commands), tenantRow(commands, tenantId, commandId)))) return NOT_FOUND;
    const x = commandExecutions;
    const cancelled = await tx
      .update(x)
      .set({ state: 'cancelled', reason: CANCELLED_REASON, updatedAt: now })
      .where(pendingOf(x, tenantId, commandId))
      .returning();
    const flagged = await tx
      .update(x)
      .set({ cancelRequested: true, updatedAt: now })
      .where(inFlightOf(x, tenantId, commandId))
      .returning();
    const changed = [...cancelled, ...flagged];
    await apply(effects(changed));
    return done(changed);
  });
}

export function expire(w: PgWriter, now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Promise<Execution[]> {
  return w.transaction(async (tx, apply) => {
    const x = commandExecutions;
    // SKIP LOCKED: another instance's expiry run (or a poll releasing the row) is passed over, not waited for.
    const due = await tx.select().from(x).where(expiredWhere(x, now)).limit(limit).for('update', { skipLocked: true });
    const expired: Execution[] = [];
    for (const e of due) {
      const [row] = await tx
        .update(x)
        .set({ state: 'expired', reason: EXPIRED_REASON, updatedAt: now })
        .where(and(executionWhere(x, e.tenantId, e.agentId, e.commandId), eq(x.state, e.state)))
        .returning();
      if (!row) continue;
      await apply(effects(row));
      expired.push(row);
    }
    return expired;
  });
}
