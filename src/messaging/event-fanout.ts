/**
 * Carries "events committed" between instances over NATS core subjects (`agentry.events.<tenantId>`), so a
 * write on one instance wakes long polls and streams on every other. The events themselves are durable in
 * the database; a lost message only delays a wake-up until the waiter's deadline. Each message also names
 * the commit's event types, so that caches on other instances know what to invalidate, and the agents its
 * events say have work (`wakes`), so that their polls parked there wake without a query first.
 */
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from '../observability/logger.ts';
import type { CommittedEvents } from '../domain/event.ts';

const PREFIX = 'agentry.events.';

export interface EventFanout {
  publish(committed: CommittedEvents[]): void;
  close(): void;
}

export function startEventFanout(nc: NatsConnection, instanceId: string, onRemote: (c: CommittedEvents) => void, log: Logger): EventFanout {
  const sub: Subscription = nc.subscribe(`${PREFIX}*`, {
    callback: (err, msg) => {
      if (err) return log.warn({ err }, 'event fan-out subscription error');
      try {
        const body = msg.json<{ origin: string; lastOffset: number; count: number; types?: string[]; wakes?: string[] }>();
        if (body.origin === instanceId) return;
        const committed: CommittedEvents = { tenantId: msg.subject.slice(PREFIX.length), lastOffset: body.lastOffset, count: body.count, types: Array.isArray(body.types) ? body.types : undefined };
        if (Array.isArray(body.wakes) && body.wakes.every((id) => typeof id === 'string')) committed.wakes = body.wakes;
        onRemote(committed);
      } catch (e) {
        log.warn({ err: e }, 'malformed event fan-out message');
      }
    },
  });
  return {
    publish(committed) {
      if (nc.isClosed()) return;
      for (const c of committed) nc.publish(PREFIX + c.tenantId, JSON.stringify({ origin: instanceId, lastOffset: c.lastOffset, count: c.count, types: c.types, wakes: c.wakes }));
    },
    close: () => sub.unsubscribe(),
  };
}
