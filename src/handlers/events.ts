/** Tag `events`: the feed by long poll and by Server-Sent Events. */
import { streamSSE } from 'hono/streaming';
import type { StoredEvent } from '../domain/event.ts';
import { checkRetained, readEvents } from '../services/events/read.ts';
import { requirePrincipal } from '../services/context.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import type { HandlerMap } from './types.ts';

const STREAM_PAGE = 500;

export function presentEvent(e: StoredEvent) {
  return { offset: e.offset, timestamp: e.createdAt.toISOString(), type: e.type, resourceType: e.resourceType, resourceId: e.resourceId, data: e.data };
}

export function eventHandlers({ repos, feed, config, shutdown }: HandlerDeps): Pick<HandlerMap, 'listEvents' | 'streamEvents'> {
  const heartbeatMs = config.events.sseHeartbeatSec * 1000;
  return {
    listEvents: async (c, { query }, res) => {
      const offset = query.offset ?? 0;
      const page = await readEvents({
        ctx: serviceContext(c, repos),
        input: { offset, limit: query.limit ?? 100, types: query.types, waitSec: query.wait ?? 0 },
        notifier: feed.notifier,
      });
      const last = page.events.at(-1);
      return res.json(200, { events: page.events.map(presentEvent), nextOffset: last ? last.offset : offset, hasMore: page.hasMore });
    },

    streamEvents: async (c, { query }) => {
      const ctx = serviceContext(c, repos);
      const { tenantId } = requirePrincipal(ctx);
      const lastEventId = c.req.header('last-event-id');
      let offset = lastEventId !== undefined ? Number(lastEventId) : (query.offset ?? 0);
      await checkRetained(ctx, tenantId, offset); // 410 before the stream starts
      const types = query.types;
      return streamSSE(c, async (stream) => {
        const closed = feed.streamOpened();
        let waiter: { cancel(): void } | undefined;
        stream.onAbort(() => waiter?.cancel());
        try {
          // Tell EventSource clients how soon to reconnect after a drop.
          await stream.write('retry: 2000\n\n');
          while (!stream.aborted && !stream.closed && !shutdown.aborted) {
            const w = feed.notifier.wait(tenantId, offset, heartbeatMs);
            waiter = w;
            const page = await repos.events.list(tenantId, offset, STREAM_PAGE, types);
            if (page.events.length > 0) {
              w.cancel();
              for (const e of page.events) await stream.writeSSE({ id: String(e.offset), event: e.type, data: JSON.stringify(presentEvent(e)) });
              offset = page.events.at(-1)!.offset;
              continue;
            }
            if (!(await w.woken) && !shutdown.aborted) await stream.write(': heartbeat\n\n');
          }
        } catch (err) {
          if (!stream.aborted) ctx.log.warn({ err }, 'event stream ended with an error');
        } finally {
          closed();
        }
      });
    },
  };
}
