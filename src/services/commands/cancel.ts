import type { CommandWithCounts } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { auditEntry } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { executionUpdated } from './records.ts';

/**
 * Cancels a command of the caller's tenant: what is pending will not be delivered; what is delivered or
 * running is flagged so the agent's next poll tells it to stop. Audited and published only when something
 * changed, so a second cancel is a no-op. Answers the command with its counts after the cancel.
 */
export async function cancelCommand({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<CommandWithCounts> {
  const { tenantId } = requireOperator(ctx);
  const outcome = await ctx.repos.commands.cancel(tenantId, input.id, ctx.now(), (changed): WriteEffects => {
    if (changed.length === 0) return {};
    const cancelled = changed.filter((e) => e.state === 'cancelled').length;
    const flagged = changed.length - cancelled;
    return {
      audit: auditEntry(ctx, { tenantId, action: 'command.cancel', resourceType: 'command', resourceId: input.id, after: { cancelled, flagged } }),
      events: [newEvent(ctx, { tenantId, type: 'command_cancelled', resourceType: 'command', resourceId: input.id, data: { cancelled, flagged } }), ...changed.map((e) => executionUpdated(ctx, e))],
    };
  });
  if (outcome.kind === 'not_found') throw new NotFoundError('command', input.id);
  ctx.log.info({ commandId: input.id, changed: outcome.value.length }, 'command cancelled');
  const command = await ctx.repos.commands.findById(tenantId, input.id);
  if (!command) throw new NotFoundError('command', input.id);
  return command;
}
