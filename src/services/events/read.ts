/**
 * Reading the feed: one page after an offset, optionally parking until something arrives. The waiter is
 * registered before the query, so an event committed between the query and parking still wakes it.
 */
import type { EventPage } from '../../domain/event.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { GoneError, ValidationError } from '../errors.ts';
import type { EventNotifier } from './notifier.ts';

export interface ReadEventsInput {
  offset: number;
  limit: number;
  types?: readonly string[];
  /** Seconds to wait when the page would be empty. */
  waitSec: number;
}

export async function readEvents({ ctx, input, notifier }: { ctx: ServiceContext; input: ReadEventsInput; notifier: EventNotifier }): Promise<EventPage> {
  const { tenantId } = requirePrincipal(ctx);
  await checkRetained(ctx, tenantId, input.offset);
  const deadline = Date.now() + input.waitSec * 1000;
  for (;;) {
    const remaining = deadline - Date.now();
    const waiter = remaining > 0 ? notifier.wait(tenantId, input.offset, remaining) : null;
    const page = await ctx.repos.events.list(tenantId, input.offset, input.limit, input.types);
    if (page.events.length > 0 || !waiter) {
      waiter?.cancel();
      return page;
    }
    if (!(await waiter.woken)) return page; // deadline or shutdown: an empty page
  }
}

/** 410 when events after `offset` were already deleted by retention; 400 past the end of the feed. */
export async function checkRetained(ctx: ServiceContext, tenantId: string, offset: number): Promise<void> {
  const { oldest, latest } = await ctx.repos.events.bounds(tenantId);
  if (offset > latest) {
    throw new ValidationError(`offset ${offset} is past the end of the feed (latest ${latest})`, [{ path: 'query/offset', message: `must be at most ${latest}` }]);
  }
  const oldestAvailable = oldest ?? latest + 1;
  if (offset < oldestAvailable - 1) {
    throw new GoneError(`events after offset ${offset} are no longer kept; the feed now starts at ${oldestAvailable}`, { oldestOffset: oldestAvailable });
  }
}
