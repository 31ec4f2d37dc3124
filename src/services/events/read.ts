/**
 * Reading the feed: one page after an offset, optionally parking until something arrives. The waiter is
 * registered before the query, so an event committed between the query and parking still wakes it.
 */
import type { EventPage } from '../../domain/event.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import type { EventNotifier } from './notifier.ts';
import { checkRetained } from './retention.ts';

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
