/** Commands and executions → contract shapes. */
import { emptyCounts, type Command, type CommandWithCounts, type DeliveredCommand, type Execution } from '../../domain/command.ts';
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
