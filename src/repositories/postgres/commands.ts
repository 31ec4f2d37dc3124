import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type {
  AssembledOutput,
  Command,
  CommandAck,
  OutputAppend,
  OutputChunk,
  OutputConflict,
  OutputStream,
  CommandFilter,
  CommandTargets,
  CommandWithCounts,
  DeliveredCommand,
  Execution,
  ExecutionState,
  ExecutionStateConflict,
  PollWork,
  TargetResolution,
} from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, type Done, type NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { CommandRepository } from '../ports/command.ts';
import {
  ackable,
  countsByCommand,
  crossedMaxErrors,
  hasRollout,
  deferredWhere,
  pollWorkWhere,
  slotFreedBy,
  rolloutAllows,
  stoppedByErrors,
  ackChanges,
  CANCELLED_REASON,
  cancelRequestedOf,
  commandList,
  EXPIRED_REASON,
  expiredWhere,
  inFlightOf,
  pendingOf,
  countsWhere,
  executionList,
  executionWhere,
  pairDelivered,
  releasableWhere,
  repeatsAck,
  withCounts,
} from '../shared/command.ts';
import { assemble, chunksWhere, outputChanges, planUpload, takesOutput, uploadRange } from '../shared/command-output.ts';
import { targetAgentColumns, targetAgentsWhere } from '../shared/command-targets.ts';
import { tenantRow } from '../shared/conditions.ts';
import { toPage, toPageBy } from '../shared/paging.ts';
import type { PgDb } from './db.ts';
import { anyRow } from './rows.ts';
import { agents, commandExecutions, commandOutput, commands, sections } from './schema.ts';
import { hasTag } from './tags.ts';
import type { PgTx, PgWriter } from './transaction.ts';

/** Postgres binds at most 65535 parameters per statement: batch inserts stay well below. */
const INSERT_BATCH = 1000;

export class PgCommandRepository implements CommandRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  resolveTargets(tenantId: string, targets: CommandTargets): Promise<TargetResolution> {
    return this.w.pool.run(async (db): Promise<TargetResolution> => {
      if (targets.sectionId && !(await anyRow(db.select({ id: sections.id }).from(sections), tenantRow(sections, tenantId, targets.sectionId)))) return { kind: 'unknown', ids: [targets.sectionId] };
      const found = await db
        .select(targetAgentColumns(agents))
        .from(agents)
        .where(targetAgentsWhere(agents, tenantId, targets, hasTag))
        .orderBy(asc(agents.id));
      const missing = (targets.agentIds ?? []).filter((id) => !found.some((a) => a.id === id));
      return missing.length > 0 ? { kind: 'unknown', ids: missing } : { kind: 'resolved', agents: found };
    });
  }

  async create(command: Command, executions: Execution[], effects: WriteEffects): Promise<void> {
    await this.w.transaction(async (tx, apply) => {
      await tx.insert(commands).values(command);
      for (let i = 0; i < executions.length; i += INSERT_BATCH) await tx.insert(commandExecutions).values(executions.slice(i, i + INSERT_BATCH));
      await apply(effects);
    });
  }

  findById(tenantId: string, id: string): Promise<CommandWithCounts | null> {
    return this.w.pool.run(async (db) => {
      const [command] = await db
        .select()
        .from(commands)
        .where(tenantRow(commands, tenantId, id))
        .limit(1);
      return command ? (await counted(db, tenantId, [command]))[0]! : null;
    });
  }

  list(tenantId: string, filter: CommandFilter, page: PageRequest): Promise<Page<CommandWithCounts>> {
    const q = commandList(commands, commandExecutions, tenantId, filter, page);
    return this.w.pool.run(async (db) => {
      const p = toPage(await db.select().from(commands).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit);
      return { items: await counted(db, tenantId, p.items), lastId: p.lastId };
    });
  }

  listExecutions(tenantId: string, commandId: string, state: ExecutionState | undefined, page: PageRequest): Promise<Page<Execution>> {
    const q = executionList(commandExecutions, tenantId, commandId, state, page);
    return this.w.pool.run(async (db) => toPageBy(await db.select().from(commandExecutions).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit, (e) => e.agentId));
  }

  deliver(tenantId: string, agentId: string, now: Date, limit: number, effects: (released: Execution[]) => WriteEffects): Promise<DeliveredCommand[]> {
    return this.w.transaction(async (tx, apply) => {
      const x = commandExecutions;
      // Read without locks; the update below re-checks `pending`, so of two concurrent polls only one
      // releases a row (the other waits for its lock, then finds it delivered).
      const candidates = await tx
        .select({ commandId: x.commandId, maxConcurrency: commands.maxConcurrency, maxErrors: commands.maxErrors })
        .from(x)
        .innerJoin(commands, eq(commands.id, x.commandId))
        .where(releasableWhere(x, tenantId, agentId, now))
        .orderBy(asc(x.commandId))
        .limit(limit);
      const limited = candidates.filter(hasRollout).map((c) => c.commandId);
      // Rollout commands are locked (in id order) before they are counted, so that polls of different agents
      // take the concurrency slots one at a time. Lock order everywhere: command row, then execution rows.
      if (limited.length > 0) await tx.select({ id: commands.id }).from(commands).where(inArray(commands.id, limited)).orderBy(asc(commands.id)).for('update');
      const counts = limited.length > 0 ? countsByCommand(await countRows(tx, tenantId, limited)) : new Map();
      const ids = candidates.filter((c) => !hasRollout(c) || rolloutAllows(c, counts.get(c.commandId))).map((c) => c.commandId);
      if (ids.length === 0) return [];
      const released = await tx
        .update(x)
        .set({ state: 'delivered', deliveredAt: now, updatedAt: now })
        .where(and(eq(x.tenantId, tenantId), eq(x.agentId, agentId), eq(x.state, 'pending'), inArray(x.commandId, ids)))
        .returning();
      if (released.length === 0) return [];
      const cmds = await tx
        .select()
        .from(commands)
        .where(
          and(
            eq(commands.tenantId, tenantId),
            inArray(
              commands.id,
              released.map((e) => e.commandId),
            ),
          ),
        );
      await apply(effects(released));
      return pairDelivered(released, cmds);
    });
  }

  ack(
    tenantId: string,
    agentId: string,
    commandId: string,
    ack: CommandAck,
    now: Date,
    effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
  ): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> {
    return this.w.transaction(async (tx, apply): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> => {
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
  appendOutput(
    tenantId: string,
    agentId: string,
    commandId: string,
    chunks: readonly OutputChunk[],
    cap: number,
    now: Date,
    effects: (before: Execution, after: Execution) => WriteEffects,
  ): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict> {
    return this.w.transaction(async (tx, apply): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict> => {
      const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
      // The execution row's lock serialises uploads of one execution, so two cannot both store an offset.
      const [current] = await tx.select().from(commandExecutions).where(where).for('update');
      if (!current) return NOT_FOUND;
      if (!takesOutput(current)) return { kind: 'state_conflict', current };
      const stored = await tx
        .select()
        .from(commandOutput)
        .where(chunksWhere(commandOutput, current, uploadRange(chunks)));
      const plan = planUpload(current, chunks, stored, cap);
      if (plan.kind === 'conflict') return { kind: 'output_conflict', stream: plan.stream, offset: plan.offset };
      if (plan.rows.length === 0) return done({ execution: current, stored: 0, duplicates: plan.duplicates, bytesStored: 0 });
      await tx.insert(commandOutput).values(plan.rows.map((r) => ({ ...r, tenantId, agentId, commandId })));
      const [updated] = await tx
        .update(commandExecutions)
        .set(outputChanges(current, plan.added, now))
        .where(where)
        .returning();
      await apply(effects(current, updated!));
      return done({ execution: updated!, stored: plan.rows.length, duplicates: plan.duplicates, bytesStored: plan.added.stored });
    });
  }

  readOutput(tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): Promise<AssembledOutput | null> {
    return this.w.pool.run(async (db) => {
      const [execution] = await db
        .select()
        .from(commandExecutions)
        .where(executionWhere(commandExecutions, tenantId, agentId, commandId))
        .limit(1);
      if (!execution) return null;
      const chunks = await db
        .select()
        .from(commandOutput)
        .where(chunksWhere(commandOutput, execution, { from: fromOffset }, stream))
        .orderBy(asc(commandOutput.offset));
      return { execution, stream, fromOffset, ...assemble(chunks, fromOffset) };
    });
  }
  cancel(tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Promise<Done<Execution[]> | NotFound> {
    return this.w.transaction(async (tx, apply): Promise<Done<Execution[]> | NotFound> => {
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

  pollWork(tenantId: string, now: Date): Promise<PollWork> {
    const x = commandExecutions;
    return this.w.pool.run(async (db) => {
      const agents = await db
        .selectDistinct({ agentId: x.agentId })
        .from(x)
        .where(pollWorkWhere(x, tenantId, now));
      const [next] = await db
        .select({ at: sql<Date | null>`min(${x.notBefore})`.mapWith(x.notBefore) })
        .from(x)
        .where(deferredWhere(x, tenantId, now));
      return { agentIds: agents.map((r) => r.agentId), nextDueAt: next?.at ?? null };
    });
  }

  cancelRequests(tenantId: string, agentId: string): Promise<string[]> {
    const x = commandExecutions;
    return this.w.pool.run(async (db) =>
      (
        await db
          .select({ commandId: x.commandId })
          .from(x)
          .where(cancelRequestedOf(x, tenantId, agentId))
          .orderBy(asc(x.commandId))
      ).map((r) => r.commandId),
    );
  }

  countByState(): Promise<{ state: ExecutionState; n: number }[]> {
    const x = commandExecutions;
    return this.w.pool.run((db) => db.select({ state: x.state, n: sql<number>`count(*)::int` }).from(x).groupBy(x.state));
  }

  expire(now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Promise<Execution[]> {
    return this.w.transaction(async (tx, apply) => {
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
}

/** Executions per command and state, read with `db` (the pool's, or a transaction's). */
function countRows(db: Pick<PgTx, 'select'>, tenantId: string, commandIds: string[]) {
  const x = commandExecutions;
  return db
    .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)::int` })
    .from(x)
    .where(countsWhere(x, tenantId, commandIds))
    .groupBy(x.commandId, x.state);
}

async function counted(db: PgDb, tenantId: string, list: Command[]): Promise<CommandWithCounts[]> {
  if (list.length === 0) return [];
  const x = commandExecutions;
  const rows = await db
    .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)::int` })
    .from(x)
    .where(
      countsWhere(
        x,
        tenantId,
        list.map((c) => c.id),
      ),
    )
    .groupBy(x.commandId, x.state);
  return withCounts(list, rows);
}
