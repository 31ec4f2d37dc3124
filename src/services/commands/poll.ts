import { requireAgent, type ServiceContext } from '../context.ts';
import type { Waiter } from '../events/notifier.ts';
import type { CommandDeliveries, PollAnswer } from './deliveries.ts';
import type { CommandWakeups } from './wakeups.ts';

/**
 * Releases the calling agent's pending executions (each to exactly one poll) and marks them delivered,
 * and names the delivered ones cancelled since. With nothing to say and `waitSec` > 0, parks until the
 * wake-ups find work for this agent (a command created or cancelled, a rollout slot freed), or the wait
 * ends, then looks again. The waiter is
 * registered before each look, so a command created between the look and the park still wakes it. Each
 * look goes through `deliveries`, which takes the looks of one turn (a fan-out's wake storm) together.
 */
export async function pollCommands({ ctx, input, wakeups, deliveries }: { ctx: ServiceContext; input: { waitSec: number }; wakeups: CommandWakeups; deliveries: CommandDeliveries }): Promise<PollAnswer> {
  const { tenantId, agentId } = requireAgent(ctx);
  const deadline = Date.now() + input.waitSec * 1000;
  let parked = true;
  for (;;) {
    const remaining = deadline - Date.now();
    const waiter: Waiter | null = parked && remaining > 0 ? wakeups.wait(tenantId, agentId, remaining) : null;
    const { delivered, cancel } = await deliveries.take(ctx, tenantId, agentId);
    if (delivered.length > 0 || cancel.length > 0 || !waiter) {
      waiter?.cancel();
      if (delivered.length > 0) ctx.log.debug({ agentId, released: delivered.length }, 'commands delivered');
      return { delivered, cancel };
    }
    // Woken: try again (and park again if another agent's command woke us). Deadline or shutdown: one last try.
    parked = await waiter.woken;
  }
}
