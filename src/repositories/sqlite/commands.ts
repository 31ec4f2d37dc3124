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
import { anyRow } from './rows.ts';
import { agents, commandExecutions, commandOutput, commands, sections } from './schema.ts';
import { hasTag } from './tags.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

/** better-sqlite3 binds at most 32766 parameters: batch inserts stay well below. */
const INSERT_BATCH = 500;

export class SqliteCommandRepository implements CommandRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async resolveTargets(tenantId: string, targets: CommandTargets): Promise<TargetResolution> {
    const db = this.w.db;
    if (targets.sectionId && !anyRow(db.select({ id: sections.id }).from(sections), tenantRow(sections, tenantId, targets.sectionId))) return { kind: 'unknown', ids: [targets.sectionId] };
    const found = db
      .select(targetAgentColumns(agents))
      .from(agents)
      .where(targetAgentsWhere(agents, tenantId, targets, hasTag))
      .orderBy(asc(agents.id))
      .all();
    const missing = (targets.agentIds ?? []).filter((id) => !found.some((a) => a.id === id));
    return missing.length > 0 ? { kind: 'unknown', ids: missing } : { kind: 'resolved', agents: found };
  }

  async create(command: Command, executions: Execution[], effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(commands).values(command).run();
      for (let i = 0; i < executions.length; i += INSERT_BATCH)
        tx.insert(commandExecutions)
          .values(executions.slice(i, i + INSERT_BATCH))
          .run();
      apply(effects);
    });
  }

  async findById(tenantId: string, id: string): Promise<CommandWithCounts | null> {
    const command = this.w.db
      .select()
      .from(commands)
      .where(tenantRow(commands, tenantId, id))
      .get();
    return command ? this.counted(tenantId, [command])[0]! : null;
  }

  async list(tenantId: string, filter: CommandFilter, page: PageRequest): Promise<Page<CommandWithCounts>> {
    const q = commandList(commands, commandExecutions, tenantId, filter, page);
    const rows = this.w.db.select().from(commands).where(q.where).orderBy(q.orderBy).limit(q.limit).all();
    const p = toPage(rows, page.limit);
    return { items: this.counted(tenantId, p.items), lastId: p.lastId };
  }

  async listExecutions(tenantId: string, commandId: string, state: ExecutionState | undefined, page: PageRequest): Promise<Page<Execution>> {
    const q = executionList(commandExecutions, tenantId, commandId, state, page);
    return toPageBy(this.w.db.select().from(commandExecutions).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit, (e) => e.agentId);
  }

  async deliver(tenantId: string, agentId: string, now: Date, limit: number, effects: (released: Execution[]) => WriteEffects): Promise<DeliveredCommand[]> {
    // One writer at a time on SQLite: the rollout counts cannot change under us, and the conditional update
    // (state still pending) releases each row once.
    return this.w.transaction((tx, apply) => {
      const x = commandExecutions;
      const candidates = tx
        .select({ commandId: x.commandId, maxConcurrency: commands.maxConcurrency, maxErrors: commands.maxErrors })
        .from(x)
        .innerJoin(commands, eq(commands.id, x.commandId))
        .where(releasableWhere(x, tenantId, agentId, now))
        .orderBy(asc(x.commandId))
        .limit(limit)
        .all();
      const limited = candidates.filter(hasRollout).map((c) => c.commandId);
      const counts = limited.length > 0 ? countsByCommand(this.countRows(tx, tenantId, limited)) : new Map();
      const ids = candidates.filter((c) => !hasRollout(c) || rolloutAllows(c, counts.get(c.commandId))).map((c) => c.commandId);
      if (ids.length === 0) return [];
      const released = tx
        .update(x)
        .set({ state: 'delivered', deliveredAt: now, updatedAt: now })
        .where(and(eq(x.tenantId, tenantId), eq(x.agentId, agentId), eq(x.state, 'pending'), inArray(x.commandId, ids)))
        .returning()
        .all();
      if (released.length === 0) return [];
      const cmds = tx
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
        )
        .all();
      apply(effects(released));
      return pairDelivered(released, cmds);
    });
  }

  async ack(
    tenantId: string,
    agentId: string,
    commandId: string,
    ack: CommandAck,
    now: Date,
    effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
  ): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> {
    return this.w.transaction((tx, apply): Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict => {
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
      const crossed = maxErrors !== null && crossedMaxErrors(maxErrors, updated!, countsByCommand(this.countRows(tx, tenantId, [commandId])).get(commandId));
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

  async appendOutput(
    tenantId: string,
    agentId: string,
    commandId: string,
    chunks: readonly OutputChunk[],
    cap: number,
    now: Date,
    effects: (before: Execution, after: Execution) => WriteEffects,
  ): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict> {
    return this.w.transaction((tx, apply): Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict => {
      const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
      const current = tx.select().from(commandExecutions).where(where).get();
      if (!current) return NOT_FOUND;
      if (!takesOutput(current)) return { kind: 'state_conflict', current };
      const stored = tx
        .select()
        .from(commandOutput)
        .where(chunksWhere(commandOutput, current, uploadRange(chunks)))
        .all();
      const plan = planUpload(current, chunks, stored, cap);
      if (plan.kind === 'conflict') return { kind: 'output_conflict', stream: plan.stream, offset: plan.offset };
      if (plan.rows.length === 0) return done({ execution: current, stored: 0, duplicates: plan.duplicates, bytesStored: 0 });
      tx.insert(commandOutput)
        .values(plan.rows.map((r) => ({ ...r, tenantId, agentId, commandId })))
        .run();
      const [updated] = tx
        .update(commandExecutions)
        .set(outputChanges(current, plan.added, now))
        .where(where)
        .returning()
        .all();
      apply(effects(current, updated!));
      return done({ execution: updated!, stored: plan.rows.length, duplicates: plan.duplicates, bytesStored: plan.added.stored });
    });
  }

  async readOutput(tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): Promise<AssembledOutput | null> {
    const execution = this.w.db
      .select()
      .from(commandExecutions)
      .where(executionWhere(commandExecutions, tenantId, agentId, commandId))
      .get();
    if (!execution) return null;
    const chunks = this.w.db
      .select()
      .from(commandOutput)
      .where(chunksWhere(commandOutput, execution, { from: fromOffset }, stream))
      .orderBy(asc(commandOutput.offset))
      .all();
    return { execution, stream, fromOffset, ...assemble(chunks, fromOffset) };
  }

  async cancel(tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Promise<Done<Execution[]> | NotFound> {
    return this.w.transaction((tx, apply): Done<Execution[]> | NotFound => {
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

  async pollWork(tenantId: string, now: Date): Promise<PollWork> {
    const x = commandExecutions;
    const agents = this.w.db
      .selectDistinct({ agentId: x.agentId })
      .from(x)
      .where(pollWorkWhere(x, tenantId, now))
      .all();
    const next = this.w.db
      .select({ at: sql<Date | null>`min(${x.notBefore})`.mapWith(x.notBefore) })
      .from(x)
      .where(deferredWhere(x, tenantId, now))
      .get();
    return { agentIds: agents.map((r) => r.agentId), nextDueAt: next?.at ?? null };
  }

  async cancelRequests(tenantId: string, agentId: string): Promise<string[]> {
    const x = commandExecutions;
    return this.w.db
      .select({ commandId: x.commandId })
      .from(x)
      .where(cancelRequestedOf(x, tenantId, agentId))
      .orderBy(asc(x.commandId))
      .all()
      .map((r) => r.commandId);
  }

  async countByState(): Promise<{ state: ExecutionState; n: number }[]> {
    const x = commandExecutions;
    return this.w.db.select({ state: x.state, n: sql<number>`count(*)` }).from(x).groupBy(x.state).all();
  }

  async expire(now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Promise<Execution[]> {
    return this.w.transaction((tx, apply) => {
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

  /** Executions per command and state, read with `db` (the writer's, or a transaction's). */
  private countRows(db: Pick<SqliteTx, 'select'>, tenantId: string, commandIds: string[]) {
    const x = commandExecutions;
    return db
      .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)` })
      .from(x)
      .where(countsWhere(x, tenantId, commandIds))
      .groupBy(x.commandId, x.state)
      .all();
  }

  private counted(tenantId: string, list: Command[]): CommandWithCounts[] {
    if (list.length === 0) return [];
    const x = commandExecutions;
    const rows = this.w.db
      .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)` })
      .from(x)
      .where(
        countsWhere(
          x,
          tenantId,
          list.map((c) => c.id),
        ),
      )
      .groupBy(x.commandId, x.state)
      .all();
    return withCounts(list, rows);
  }
}
