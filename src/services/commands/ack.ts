import type { CommandAck, Execution } from '../../domain/command.ts';
import { auditEntry } from '../audit/entry.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { executionSnapshot, executionUpdated } from './records.ts';

/**
 * The calling agent reports how its execution of a command ended. Repeating the stored ack changes
 * nothing; another final state, or an execution that was not delivered to it (or has since expired or
 * been cancelled), is a conflict. A command without an execution for this agent is not found. Ending an
 * execution of a command with a concurrency limit emits `command_rollout_slot_freed`: the next execution may go.
 */
export async function ackCommand({ ctx, input }: { ctx: ServiceContext; input: { commandId: string; ack: CommandAck } }): Promise<Execution> {
  const { tenantId, agentId } = requireAgent(ctx);
  const outcome = await ctx.repos.commands.ack(tenantId, agentId, input.commandId, input.ack, ctx.now(), (updated, stopped, slotFreed) => ({
    audit: auditEntry(ctx, { tenantId, action: 'command.ack', resourceType: 'command', resourceId: input.commandId, after: { ...executionSnapshot(updated), stoppedByMaxErrors: stopped.length } }),
    // A freed rollout slot is its own event so that parked polls (here and on other instances) wake for it
    // and not for every execution update.
    events: [
      ...[updated, ...stopped].map((e) => executionUpdated(ctx, e)),
      ...(slotFreed ? [newEvent(ctx, { tenantId, type: 'command_rollout_slot_freed', resourceType: 'command', resourceId: input.commandId, data: { agentId } })] : []),
    ],
  }));
  if (outcome.kind === 'not_found') throw new NotFoundError('execution of command', input.commandId);
  if (outcome.kind === 'state_conflict') {
    const { state, exitCode } = outcome.current;
    throw new ConflictError(`the execution is ${state}; it cannot become ${input.ack.status}`, { state, exitCode });
  }
  return outcome.value.execution;
}
