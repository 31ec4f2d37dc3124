import type { DeliveredCommand } from '../../domain/command.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import { executionUpdated } from './records.ts';
import type { Waiter } from '../events/notifier.ts';
import type { CommandWakeups } from './wakeups.ts';

/** At most this many executions are released to one poll; the rest wait for the next. */
export const POLL_BATCH = 100;

export interface PollAnswer {
  delivered: DeliveredCommand[];
  /** Commands the agent was given and must stop: cancelled since delivery. */
  cancel: string[];
}

/**
 * Releases the calling agent's pending executions (each to exactly one poll) and marks them delivered,
 * and names the delivered ones cancelled since. With nothing to say and `waitSec` > 0, parks until the
 * wake-ups find work for this agent (a command created or cancelled, a rollout slot freed), or the wait
 * ends, then looks again. The waiter is
 * registered before each look, so a command created between the look and the park still wakes it.
 *
 * Written as a promise chain rather than an async loop: while parked, a poll then holds a couple of promise
 * reactions instead of a suspended async frame (ten thousand parked polls make the difference count).
 */
export function pollCommands({ ctx, input, wakeups }: { ctx: ServiceContext; input: { waitSec: number }; wakeups: CommandWakeups }): Promise<PollAnswer> {
  try {
    const { tenantId, agentId } = requireAgent(ctx);
    return new Poll(ctx, wakeups, tenantId, agentId, Date.now() + input.waitSec * 1000).next(true);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The state of one poll between its looks. */
class Poll {
  private readonly ctx: ServiceContext;
  private readonly wakeups: CommandWakeups;
  private readonly tenantId: string;
  private readonly agentId: string;
  private readonly deadline: number;

  constructor(ctx: ServiceContext, wakeups: CommandWakeups, tenantId: string, agentId: string, deadline: number) {
    this.ctx = ctx;
    this.wakeups = wakeups;
    this.tenantId = tenantId;
    this.agentId = agentId;
    this.deadline = deadline;
  }

  /** Parks (when `parked` and time is left), looks, and answers or waits for the next wake-up. */
  next(parked: boolean): Promise<PollAnswer> {
    const remaining = this.deadline - Date.now();
    const waiter = parked && remaining > 0 ? this.wakeups.wait(this.tenantId, this.agentId, remaining) : null;
    return this.look(waiter).then((answer) => answer ?? waiter!.woken.then((woken) => this.next(woken)));
  }

  /** The answer when there is something to say or no waiter; null to wait (woken: look again; deadline or shutdown: one last try). */
  private async look(waiter: Waiter | null): Promise<PollAnswer | null> {
    const { ctx, tenantId, agentId } = this;
    try {
      const delivered = await ctx.repos.commands.deliver(tenantId, agentId, ctx.now(), POLL_BATCH, (released) => ({ events: released.map((e) => executionUpdated(ctx, e)) }));
      const cancel = await ctx.repos.commands.cancelRequests(tenantId, agentId);
      if (delivered.length === 0 && cancel.length === 0 && waiter) return null;
      waiter?.cancel();
      if (delivered.length > 0) ctx.log.debug({ agentId, released: delivered.length }, 'commands delivered');
      return { delivered, cancel };
    } catch (err) {
      waiter?.cancel();
      throw err;
    }
  }
}
