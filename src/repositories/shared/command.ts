/** Dialect-neutral parts of the command repositories: list filters, poll work, counts, ack rules (deliveries: command-delivery.ts). */
import { and, asc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import {
  emptyCounts,
  isError,
  MAX_ERRORS_REASON,
  type Command,
  type CommandAck,
  type CommandFilter,
  type CommandWithCounts,
  type Execution,
  type ExecutionCounts,
  type ExecutionState,
} from '../../domain/command.ts';
import type { PageRequest } from '../../domain/paging.ts';
import type { commandExecutions as pgExecutions, commands as pgCommands } from '../postgres/schema.ts';
import type { commandExecutions as sqliteExecutions, commands as sqliteCommands } from '../sqlite/schema.ts';
import { descendingPage, type ListQuery } from './paging.ts';

type CommandTable = typeof sqliteCommands | typeof pgCommands;
type ExecutionTable = typeof sqliteExecutions | typeof pgExecutions;

/** The tenant's commands, newest first, narrowed by type, creator, and by an execution's state or agent. */
export function commandList(t: CommandTable, x: ExecutionTable, tenantId: string, filter: CommandFilter, page: PageRequest): ListQuery {
  const execution =
    filter.status || filter.agentId
      ? sql`exists (select 1 from ${x} where ${x.commandId} = ${t.id} and ${and(eq(x.tenantId, tenantId), filter.status ? eq(x.state, filter.status) : undefined, filter.agentId ? eq(x.agentId, filter.agentId) : undefined)})`
      : undefined;
  return descendingPage(t.id, page, and(eq(t.tenantId, tenantId), filter.type ? eq(t.type, filter.type) : undefined, filter.createdBy ? eq(t.createdBy, filter.createdBy) : undefined, execution));
}

/** A command's executions by agent id, after the cursor's agent. */
export function executionList(x: ExecutionTable, tenantId: string, commandId: string, state: ExecutionState | undefined, page: PageRequest): ListQuery {
  return {
    where: and(eq(x.tenantId, tenantId), eq(x.commandId, commandId), state ? eq(x.state, state) : undefined, page.afterId ? gt(x.agentId, page.afterId) : undefined),
    orderBy: asc(x.agentId),
    limit: page.limit + 1,
  };
}

/**
 * Executions of the tenant that the agent's next poll would answer with: releasable now (rollout limits
 * aside), or cancelled after delivery and not finished.
 */
export function pollWorkWhere(x: ExecutionTable, tenantId: string, now: Date): SQL | undefined {
  return and(
    eq(x.tenantId, tenantId),
    or(and(eq(x.state, 'pending'), or(isNull(x.notBefore), lte(x.notBefore, now)), gt(x.expiresAt, now)), and(inArray(x.state, ['delivered', 'running']), eq(x.cancelRequested, true))),
  );
}

/** Pending, unexpired executions of the tenant whose `notBefore` is still ahead of `now` (their earliest is when parked polls must look again). */
export function deferredWhere(x: ExecutionTable, tenantId: string, now: Date): SQL | undefined {
  return and(eq(x.tenantId, tenantId), eq(x.state, 'pending'), gt(x.notBefore, now), gt(x.expiresAt, now));
}

/** The columns counted per command and state. */
export function countsWhere(x: ExecutionTable, tenantId: string, commandIds: string[]): SQL | undefined {
  return and(eq(x.tenantId, tenantId), inArray(x.commandId, commandIds));
}

/** Attaches per-state counts (rows of command id, state, count) to their commands. */
export function withCounts(commands: Command[], rows: { commandId: string; state: ExecutionState; n: number | string }[]): CommandWithCounts[] {
  const byCommand = new Map<string, ExecutionCounts>(commands.map((c) => [c.id, emptyCounts()]));
  for (const r of rows) {
    const counts = byCommand.get(r.commandId);
    if (counts) counts[r.state] = Number(r.n);
  }
  return commands.map((c) => ({ ...c, counts: byCommand.get(c.id) ?? emptyCounts() }));
}

/** Whether an execution in `current` state may take the ack: only delivered or running ones. */
export function ackable(current: Execution): boolean {
  return current.state === 'delivered' || current.state === 'running';
}

/** Whether an ack repeats what is stored (same final state and exit code): answered as done, nothing written. */
export function repeatsAck(current: Execution, ack: CommandAck): boolean {
  return current.state === ack.status && current.exitCode === ack.exitCode;
}

/** The columns an ack sets. */
export function ackChanges(ack: CommandAck, now: Date) {
  return { state: ack.status, exitCode: ack.exitCode, error: ack.error, startedAt: ack.startedAt, finishedAt: ack.finishedAt, updatedAt: now };
}

/** One execution: the tenant's, the agent's, the command's. */
export function executionWhere(x: ExecutionTable, tenantId: string, agentId: string, commandId: string): SQL | undefined {
  return and(eq(x.tenantId, tenantId), eq(x.agentId, agentId), eq(x.commandId, commandId));
}

/** Why executions end without running. */
export const CANCELLED_REASON = 'cancelled';
export const EXPIRED_REASON = 'ttl';

/** The command's pending executions (cancelled at once). */
export function pendingOf(x: ExecutionTable, tenantId: string, commandId: string): SQL | undefined {
  return and(eq(x.tenantId, tenantId), eq(x.commandId, commandId), eq(x.state, 'pending'));
}

/** The command's delivered or running executions not yet told to stop. */
export function inFlightOf(x: ExecutionTable, tenantId: string, commandId: string): SQL | undefined {
  return and(eq(x.tenantId, tenantId), eq(x.commandId, commandId), inArray(x.state, ['delivered', 'running']), eq(x.cancelRequested, false));
}

/** The agent's executions told to stop and not yet finished. */
export function cancelRequestedOf(x: ExecutionTable, tenantId: string, agentId: string): SQL | undefined {
  return and(eq(x.tenantId, tenantId), eq(x.agentId, agentId), inArray(x.state, ['delivered', 'running']), eq(x.cancelRequested, true));
}

/** Executions whose TTL passed before they finished being handed over: pending, or delivered and never started. */
export function expiredWhere(x: ExecutionTable, now: Date): SQL | undefined {
  return and(inArray(x.state, ['pending', 'delivered']), lte(x.expiresAt, now));
}

/**
 * Whether an ack frees a rollout slot another agent's execution may take: the command limits concurrency,
 * the acked execution was in flight, and the error threshold did not just stop the rest.
 */
export function slotFreedBy(maxConcurrency: number | null, before: Pick<Execution, 'state'>, stopped: readonly Execution[]): boolean {
  return maxConcurrency !== null && (before.state === 'delivered' || before.state === 'running') && stopped.length === 0;
}

/** Per-state counts of several commands from grouped rows (command id, state, count). */
export function countsByCommand(rows: { commandId: string; state: ExecutionState; n: number | string }[]): Map<string, ExecutionCounts> {
  const byCommand = new Map<string, ExecutionCounts>();
  for (const r of rows) {
    const counts = byCommand.get(r.commandId) ?? emptyCounts();
    counts[r.state] = Number(r.n);
    byCommand.set(r.commandId, counts);
  }
  return byCommand;
}

/** Whether an ack crossed the command's error threshold: the pending rest is then cancelled. */
export function crossedMaxErrors(maxErrors: number | null, updated: Execution, counts: ExecutionCounts | undefined): boolean {
  if (maxErrors === null || !isError(updated.state)) return false;
  const n = counts ?? emptyCounts();
  return n.failed + n.timed_out > maxErrors;
}

/** The columns of executions stopped by the error threshold. */
export function stoppedByErrors(now: Date) {
  return { state: 'cancelled' as const, reason: MAX_ERRORS_REASON, updatedAt: now };
}
