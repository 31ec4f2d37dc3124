/** Shared pieces of the command actions: the rows a submit creates, audit snapshots, and events. */
import { canRun, releasesAtOnce, type Command, type Execution, type TargetAgent } from '../../domain/command.ts';
import type { NewEvent } from '../../domain/event.ts';
import { snapshot } from '../audit/entry.ts';
import type { ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';

/** Why an agent's execution is `skipped` when it did not declare the command's type among its capabilities. */
export const CAPABILITY_MISSING = 'capability_missing';

/** One execution per target: pending, or skipped when the agent cannot run the type. */
export function executionsFor(command: Command, targets: Pick<TargetAgent, 'id' | 'capabilities'>[]): Execution[] {
  return targets.map((agent) => {
    const runnable = canRun(agent, command.type);
    return {
      commandId: command.id,
      tenantId: command.tenantId,
      agentId: agent.id,
      state: runnable ? 'pending' : 'skipped',
      reason: runnable ? null : CAPABILITY_MISSING,
      exitCode: null,
      error: null,
      notBefore: command.notBefore,
      expiresAt: command.expiresAt,
      createdAt: command.createdAt,
      deliveredAt: null,
      startedAt: null,
      finishedAt: null,
      outputBytes: 0,
      storedBytes: 0,
      truncated: false,
      cancelRequested: false,
      updatedAt: command.createdAt,
    };
  });
}

/** The agents whose execution is pending (not skipped, not handed to a parked poll). */
export function pendingAgents(executions: readonly Execution[]): string[] {
  const ids: string[] = [];
  for (const e of executions) if (e.state === 'pending') ids.push(e.agentId);
  return ids;
}

/** What the audit log keeps of an execution: its state and outcome, not the command's payload again. */
export function executionSnapshot(e: Execution): Record<string, unknown> {
  return snapshot({ commandId: e.commandId, agentId: e.agentId, state: e.state, reason: e.reason, exitCode: e.exitCode, error: e.error, startedAt: e.startedAt, finishedAt: e.finishedAt });
}

/**
 * Most agents a `command_created` event names as having work (`NewEvent.wakes`); a larger fan-out wakes its
 * agents through the wake-ups' query alone, as does a command held back by `notBefore` or a concurrency limit.
 */
export const WAKE_HINT_MAX = 64;

export function commandCreated(ctx: ServiceContext, command: Command, executions: Execution[]): NewEvent {
  const skipped = executions.filter((e) => e.state === 'skipped').length;
  const event = newEvent(ctx, { tenantId: command.tenantId, type: 'command_created', resourceType: 'command', resourceId: command.id, data: { type: command.type, executions: executions.length, skipped } });
  const pending = pendingAgents(executions);
  if (releasesAtOnce(command) && pending.length > 0 && pending.length <= WAKE_HINT_MAX) event.wakes = pending;
  return event;
}

export function executionUpdated(ctx: ServiceContext, e: Execution): NewEvent {
  return newEvent(ctx, {
    tenantId: e.tenantId,
    type: 'command_execution_updated',
    resourceType: 'command',
    resourceId: e.commandId,
    data: { agentId: e.agentId, state: e.state, reason: e.reason, exitCode: e.exitCode },
  });
}
