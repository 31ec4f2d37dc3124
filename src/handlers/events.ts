/** Tag `events`: the feed by long poll and by Server-Sent Events. */
import { streamSSE } from 'hono/streaming';
import { readEvents } from '../services/events/read.ts';
import { openEventStream } from '../services/events/stream.ts';
import type { HandlerDeps } from './deps.ts';
import { presentEvent } from './presenters/event.ts';
import type { TagHandlers } from './types.ts';

export function eventHandlers({ feed, config, shutdown }: HandlerDeps): TagHandlers<'events'> {
  const heartbeatMs = config.events.sseHeartbeatSec * 1000;
  return {
    listEvents: async ({ query }, res, ctx) => {
      const offset = query.offset ?? 0;
      const page = await readEvents({
        ctx,
        input: { offset, limit: query.limit ?? 100, types: query.types, waitSec: query.wait ?? 0 },
        notifier: feed.notifier,
      });
      const last = page.events.at(-1);
      return res.json(200, { events: page.events.map(presentEvent), nextOffset: last ? last.offset : offset, hasMore: page.hasMore });
    },

    streamEvents: async ({ query, headers }, _res, ctx, c) => {
      // Last-Event-ID (digits only, says the contract) takes precedence over `offset`.
      const lastEventId = headers['last-event-id'];
      const offset = lastEventId !== undefined ? Number(lastEventId) : (query.offset ?? 0);
      const events = await openEventStream({ ctx, input: { offset, types: query.types, idleMs: heartbeatMs }, notifier: feed.notifier }); // 410 before the stream starts
      return streamSSE(c, async (stream) => {
        const closed = feed.streamOpened();
        stream.onAbort(() => events.cancel());
        try {
          // Tell EventSource clients how soon to reconnect after a drop.
          await stream.write('retry: 2000\n\n');
          while (!stream.aborted && !stream.closed && !shutdown.aborted) {
            const page = await events.next();
            if (page) {
              for (const e of page) await stream.writeSSE({ id: String(e.offset), event: e.type, data: JSON.stringify(presentEvent(e)) });
            } else if (!shutdown.aborted && !stream.aborted) {
              await stream.write(': heartbeat\n\n');
            }
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
