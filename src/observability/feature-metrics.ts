/** Metrics of the event feed and idempotency, registered on the app's registry. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventFeed } from '../services/events/feed.ts';

export interface FeatureMetrics {
  eventsPublished: Counter;
  idempotentReplays: Counter;
  idempotencyConflicts: Counter<'reason'>;
}

export function registerFeatureMetrics(registry: Registry, feed: () => EventFeed | undefined): FeatureMetrics {
  new Gauge({
    name: 'event_waiters',
    help: 'Long polls and streams parked waiting for events.',
    registers: [registry],
    collect() {
      this.set(feed()?.notifier.waiting ?? 0);
    },
  });
  new Gauge({
    name: 'event_streams_open',
    help: 'Open Server-Sent Event streams.',
    registers: [registry],
    collect() {
      this.set(feed()?.openStreams ?? 0);
    },
  });
  return {
    eventsPublished: new Counter({ name: 'events_published_total', help: 'Events committed to the feed by this instance.', registers: [registry] }),
    idempotentReplays: new Counter({ name: 'idempotent_replays_total', help: 'Responses replayed for a repeated Idempotency-Key.', registers: [registry] }),
    idempotencyConflicts: new Counter({
      name: 'idempotency_conflicts_total',
      help: 'Idempotency-Key refusals: reused with another body (mismatch) or still running (in_progress).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
