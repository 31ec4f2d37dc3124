/**
 * CommandRepository on Postgres: submits and reads here; deliveries (command-delivery.ts), transitions after
 * delivery (command-lifecycle.ts) and output (command-output.ts) in their own files.
 */
import { asc, sql, type SQL } from 'drizzle-orm';
import type {
  AssembledOutput,
  Command,
  CommandAck,
  CommandFilter,
  CommandTargets,
  CommandWithCounts,
  DeliveredCommand,
  Execution,
  ExecutionState,
  ExecutionStateConflict,
  OutputAppend,
  OutputChunk,
  OutputConflict,
  OutputStream,
  PollWork,
  TargetResolution,
} from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { CommandRepository } from '../ports/command.ts';
import { commandList, executionList } from '../shared/command.ts';
import { targetAgentColumns, targetAgentsWhere } from '../shared/command-targets.ts';
import { tenantRow } from '../shared/conditions.ts';
import { toPage, toPageBy } from '../shared/paging.ts';
import { counted } from './command-counts.ts';
import * as delivery from './command-delivery.ts';
import * as lifecycle from './command-lifecycle.ts';
import * as output from './command-output.ts';
import { nullableTextArray, numberArray, textArray } from './arrays.ts';
import { anyRow } from './rows.ts';
import { agents, commandExecutions, commands, sections } from './schema.ts';
import { hasTag } from './tags.ts';
import type { PgWriter } from './transaction.ts';

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
      const foundIds = new Set(found.map((a) => a.id));
      const missing = (targets.agentIds ?? []).filter((id) => !foundIds.has(id));
      return missing.length > 0 ? { kind: 'unknown', ids: missing } : { kind: 'resolved', agents: found };
    });
  }

  /**
   * The command, its executions, its audit row and its event in one statement (see `PgWriter.statement`):
   * one round trip, where a transaction costs BEGIN, the statements and COMMIT. The executions are one
   * `unnest` insert whatever their number, so the statement's text is the same for every submit (prepared
   * once per connection).
   */
  create(command: Command, executions: Execution[], effects: WriteEffects): Promise<void> {
    return this.w.statement([this.w.pool.db.insert(commands).values(command), insertExecutions(executions)], effects);
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

  deliver(tenantId: string, agentIds: readonly string[], now: Date, perAgent: number, effects: (released: Execution[]) => WriteEffects): Promise<Map<string, DeliveredCommand[]>> {
    return delivery.deliver(this.w, tenantId, agentIds, now, perAgent, effects);
  }

  cancelRequests(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string[]>> {
    return delivery.cancelRequests(this.w, tenantId, agentIds);
  }

  pollWork(tenantId: string, now: Date): Promise<PollWork> {
    return delivery.pollWork(this.w, tenantId, now);
  }

  ack(
    tenantId: string,
    agentId: string,
    commandId: string,
    ack: CommandAck,
    now: Date,
    effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
  ): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict> {
    return lifecycle.ack(this.w, tenantId, agentId, commandId, ack, now, effects);
  }

  cancel(tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Promise<Done<Execution[]> | NotFound> {
    return lifecycle.cancel(this.w, tenantId, commandId, now, effects);
  }

  expire(now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Promise<Execution[]> {
    return lifecycle.expire(this.w, now, limit, effects);
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
    return output.appendOutput(this.w, tenantId, agentId, commandId, chunks, cap, now, effects);
  }

  readOutput(tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): Promise<AssembledOutput | null> {
    return output.readOutput(this.w, tenantId, commandId, agentId, stream, fromOffset);
  }

  countByState(): Promise<{ state: ExecutionState; n: number }[]> {
    const x = commandExecutions;
    return this.w.pool.run((db) => db.select({ state: x.state, n: sql<number>`count(*)::int` }).from(x).groupBy(x.state));
  }
}

/** Every column of each execution as an array: one parameter per column whatever the number of executions. */
function insertExecutions(executions: readonly Execution[]): SQL {
  const col = <K extends keyof Execution>(k: K) => executions.map((e) => e[k]);
  const times = (k: 'notBefore' | 'expiresAt' | 'createdAt' | 'deliveredAt' | 'startedAt' | 'finishedAt' | 'updatedAt') => nullableTextArray(executions.map((e) => e[k]?.toISOString() ?? null));
  const texts = (k: 'reason' | 'error') => nullableTextArray(col(k));
  return sql`
    insert into ${commandExecutions} (command_id, tenant_id, agent_id, state, reason, exit_code, error, not_before, expires_at, created_at,
      delivered_at, started_at, finished_at, output_bytes, stored_bytes, truncated, cancel_requested, updated_at)
    select * from unnest(${textArray(col('commandId'))}::uuid[], ${textArray(col('tenantId'))}::uuid[], ${textArray(col('agentId'))}::uuid[],
      ${textArray(col('state'))}::text[], ${texts('reason')}::text[], ${nullableTextArray(executions.map((e) => (e.exitCode === null ? null : String(e.exitCode))))}::int[],
      ${texts('error')}::text[], ${times('notBefore')}::timestamptz[], ${times('expiresAt')}::timestamptz[], ${times('createdAt')}::timestamptz[],
      ${times('deliveredAt')}::timestamptz[], ${times('startedAt')}::timestamptz[], ${times('finishedAt')}::timestamptz[],
      ${numberArray(col('outputBytes'))}::bigint[], ${numberArray(col('storedBytes'))}::bigint[], ${textArray(executions.map((e) => String(e.truncated)))}::boolean[],
      ${textArray(executions.map((e) => String(e.cancelRequested)))}::boolean[], ${times('updatedAt')}::timestamptz[])`;
}
