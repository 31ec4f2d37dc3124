import { requireAgent, type ServiceContext } from '../context.ts';
import type { CommandDeliveries, PollAnswer } from './deliveries.ts';
import type { CommandWaiter } from './parked-polls.ts';
import type { CommandWakeups } from './wakeups.ts';

/**
 * Called once, when a poll first parks, with the way to abandon it (its client has gone): the HTTP layer
 * lets go of the request's promise chain then, and abandons the poll when the connection closes.
 */
export type OnPark = (abandon: () => void) => void;

/**
 * Releases the calling agent's pending executions (each to exactly one poll) and marks them delivered,
 * and names the delivered ones cancelled since. With nothing to say and `waitSec` > 0, parks until the
 * wake-ups find work for this agent (a command created or cancelled, a rollout slot freed), or the wait
 * ends, then looks again. The waiter is
 * registered before each look, so a command created between the look and the park still wakes it. Each
 * look goes through `deliveries`, which takes the looks of one turn (a fan-out's wake storm) together.
 * An abandoned poll (its client gone) answers empty without looking again, so that nothing is marked
 * delivered to nobody.
 *
 * Written as a promise chain rather than an async loop: while parked, a poll then holds a couple of promise
 * reactions instead of a suspended async frame (ten thousand parked polls make the difference count).
 */
export function pollCommands({
  ctx,
  input,
  wakeups,
  deliveries,
  onPark,
}: {
  ctx: ServiceContext;
  input: { waitSec: number };
  wakeups: CommandWakeups;
  deliveries: CommandDeliveries;
  onPark?: OnPark;
}): Promise<PollAnswer> {
  try {
    const { tenantId, agentId } = requireAgent(ctx);
    return new Poll(ctx, wakeups, deliveries, tenantId, agentId, Date.now() + input.waitSec * 1000, onPark ?? null).next(true);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** What an abandoned poll answers: nothing delivered, nothing cancelled. */
const nothing = (): PollAnswer => ({ delivered: [], cancel: [] });

/** The state of one poll between its looks. */
class Poll {
  private readonly ctx: ServiceContext;
  private readonly wakeups: CommandWakeups;
  private readonly deliveries: CommandDeliveries;
  private readonly tenantId: string;
  private readonly agentId: string;
  private readonly deadline: number;
  /** Until the poll first parks. */
  private onPark: OnPark | null;
  /** The wait under way, if any. */
  private waiter: CommandWaiter | null = null;
  private abandoned = false;

  constructor(ctx: ServiceContext, wakeups: CommandWakeups, deliveries: CommandDeliveries, tenantId: string, agentId: string, deadline: number, onPark: OnPark | null) {
    this.ctx = ctx;
    this.wakeups = wakeups;
    this.deliveries = deliveries;
    this.tenantId = tenantId;
    this.agentId = agentId;
    this.deadline = deadline;
    this.onPark = onPark;
  }

  /** Parks (when `parked` and time is left), looks, and answers or waits for the next wake-up. */
  next(parked: boolean): Promise<PollAnswer> {
    if (this.abandoned) return Promise.resolve(nothing());
    const remaining = this.deadline - Date.now();
    const waiter = parked && remaining > 0 ? this.wakeups.wait(this.tenantId, this.agentId, remaining) : null;
    this.waiter = waiter;
    return this.look(waiter).then((answer) => answer ?? this.park(waiter!));
  }

  /** Nothing yet: waits for the waiter, then looks again. */
  private park(waiter: CommandWaiter): Promise<PollAnswer> {
    waiter.idle();
    const onPark = this.onPark;
    if (onPark !== null) {
      this.onPark = null;
      onPark(() => this.abandon());
    }
    // A submit may hand the poll its answer (the command was marked delivered to it in the submit's commit).
    return waiter.woken.then((woken) => waiter.handed ?? this.next(woken));
  }

  /** The client has gone: the wait ends now, and the poll answers without looking again. */
  private abandon(): void {
    this.abandoned = true;
    this.waiter?.cancel();
  }

  /** The answer when there is something to say or no waiter; null to wait (woken: look again; deadline or shutdown: one last try). */
  private async look(waiter: CommandWaiter | null): Promise<PollAnswer | null> {
    const { ctx, tenantId, agentId } = this;
    try {
      const { delivered, cancel } = await this.deliveries.take(ctx, tenantId, agentId);
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
