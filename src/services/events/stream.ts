/**
 * The feed as a stream (what Server-Sent Events deliver): after an offset, each page of events as soon
 * as it commits. The waiter is registered before each query, so an event committed between the query
 * and parking still wakes it. Checked against retention before the stream starts (410 as a response,
 * not as a broken stream).
 */
import type { StoredEvent } from '../../domain/event.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import type { EventNotifier, Waiter } from './notifier.ts';
import { checkRetained } from './retention.ts';

const PAGE = 500;

export interface EventStreamInput {
  offset: number;
  types?: readonly string[];
  /** How long `next()` waits for a commit before it answers null (the caller sends a keep-alive). */
  idleMs: number;
}

export interface EventStream {
  /** The next events after the last ones returned; null after `idleMs` without any, or once cancelled or shut down. */
  next(): Promise<StoredEvent[] | null>;
  /** Ends a pending `next()` at once (the client went away). */
  cancel(): void;
}

export async function openEventStream({ ctx, input, notifier }: { ctx: ServiceContext; input: EventStreamInput; notifier: EventNotifier }): Promise<EventStream> {
  const { tenantId } = requirePrincipal(ctx);
  await checkRetained(ctx, tenantId, input.offset);
  let offset = input.offset;
  let waiter: Waiter | undefined;
  return {
    async next() {
      for (;;) {
        const w = notifier.wait(tenantId, offset, input.idleMs);
        waiter = w;
        const page = await ctx.repos.events.list(tenantId, offset, PAGE, input.types);
        if (page.events.length > 0) {
          w.cancel();
          offset = page.events.at(-1)!.offset;
          return page.events;
        }
        if (!(await w.woken)) return null;
      }
    },
    cancel: () => waiter?.cancel(),
  };
}
