/** Commands and executions → contract shapes. */
import { emptyCounts, type AssembledOutput, type Command, type CommandWithCounts, type DeliveredCommand, type Execution, type OutputAppend, type TargetAgent } from '../../domain/command.ts';
import type { TargetPreview } from '../../services/commands/preview-targets.ts';
import { iso, type Schema } from './schemas.ts';

export function presentCommand(c: CommandWithCounts): Schema<'Command'> {
  return {
    id: c.id,
    tenantId: c.tenantId,
    type: c.type,
    payload: c.payload,
    targets: c.targets,
    ttlSec: c.ttlSec,
    notBefore: iso(c.notBefore),
    expiresAt: c.expiresAt.toISOString(),
    rollout: c.maxConcurrency === null && c.maxErrors === null ? null : { maxConcurrency: c.maxConcurrency, maxErrors: c.maxErrors },
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    counts: { ...c.counts },
  };
}

export function presentExecution(e: Execution): Schema<'CommandExecution'> {
  return {
    commandId: e.commandId,
    agentId: e.agentId,
    state: e.state,
    reason: e.reason,
    exitCode: e.exitCode,
    error: e.error,
    deliveredAt: iso(e.deliveredAt),
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    outputBytes: e.outputBytes,
    storedBytes: e.storedBytes,
    truncated: e.truncated,
    cancelRequested: e.cancelRequested,
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** What the agent receives for a released execution. */
export function presentAgentCommand(d: DeliveredCommand): Schema<'AgentCommand'> {
  return { commandId: d.command.id, type: d.command.type, payload: d.command.payload, expiresAt: d.command.expiresAt.toISOString() };
}

/** A new command: counted from the executions it was created with. */
export function presentCreatedCommand(command: Command, executions: Execution[]): Schema<'CommandCreated'> {
  const counts = emptyCounts();
  for (const e of executions) counts[e.state]++;
  return { command: presentCommand({ ...command, counts }), executions: executions.map(presentExecution) };
}

export function presentOutput(o: AssembledOutput): Schema<'CommandOutput'> {
  const e = o.execution;
  return {
    commandId: e.commandId,
    agentId: e.agentId,
    stream: o.stream,
    fromOffset: o.fromOffset,
    data: o.data,
    nextOffset: o.nextOffset,
    state: e.state,
    outputBytes: e.outputBytes,
    storedBytes: e.storedBytes,
    truncated: e.truncated,
  };
}

export function presentOutputAppend(a: OutputAppend): Schema<'OutputUploadResult'> {
  return { stored: a.stored, duplicates: a.duplicates, state: a.execution.state, truncated: a.execution.truncated, cancelRequested: a.execution.cancelRequested };
}

/** A preview of a command's targets: only what the operator needs to recognise the agents. */
export function presentTargetPreview(p: TargetPreview): Schema<'CommandTargetPreview'> {
  const agent = (a: TargetAgent) => ({ id: a.id, hostname: a.hostname, name: a.name, online: a.online });
  return { total: p.total, runnable: p.runnable, agents: p.agents.map(agent), skipped: p.skipped.map((a) => ({ ...agent(a), reason: a.reason })) };
}
