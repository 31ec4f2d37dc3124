/** prom-client registry: process defaults, HTTP metrics by route template, database pool gauges, rate limits. */
import { readdir } from 'node:fs/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolStats {
  /** Connections the pool may open. */
  max: number;
  /** Connections busy with a query or a transaction now. */
  inUse: number;
  /** Queries or transactions waiting for a free connection. */
  waiting: number;
}

export class Metrics {
  readonly registry = new Registry();
  /** Filled from httpDuration's counts when scraped: record requests with `httpDuration.observe` only. */
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly httpInFlight: Gauge;
  readonly rateLimitRejections: Counter<'class'>;
  /** Buckets tracked per rate limit (`ip` and each class); installed by the rate limiter. */
  rateLimitTrackedClients: (() => Record<string, number>) | undefined = undefined;

  constructor(poolStats: () => PoolStats) {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these three gauges with a counter's `_total` suffix, which Prometheus tooling
    // rejects (`promtool check metrics`). Each is the sum of the per-type gauge it sits beside
    // (`nodejs_active_handles`, `…_requests`, `…_resources`), so `sum(nodejs_active_handles)` answers the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    // prom-client lists /proc/self/fd synchronously: with 10,000 parked polls that held the event loop for
    // ~20 ms per scrape, a stall for every request in flight. The same count, listed on libuv's thread pool.
    if (process.platform === 'linux') {
      this.registry.removeSingleMetric('process_open_fds');
      new Gauge({
        name: 'process_open_fds',
        help: 'Number of open file descriptors.',
        registers: [this.registry],
        async collect() {
          // The listing opens a descriptor of its own, closed by the time it answers: not counted.
          const fds = await readdir('/proc/self/fd').catch(() => null);
          if (fds) this.set(fds.length - 1);
        },
      });
    }
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [this.registry],
    });
    this.httpDuration = duration;
    // The request count is the duration histogram's count, copied when scraped: one metric update per
    // request instead of two.
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
      async collect() {
        const counts = (await duration.get()).values.filter((v) => v.metricName === 'http_request_duration_seconds_count');
        this.reset();
        for (const v of counts) this.inc(v.labels as Record<'route' | 'method' | 'status', string>, v.value);
      },
    });
    this.httpInFlight = new Gauge({ name: 'http_requests_in_flight', help: 'Requests being served.', registers: [this.registry] });
    this.rateLimitRejections = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests answered 429 by the rate limiter, by limit (ip, unauthenticated, agent, operator, admin).',
      labelNames: ['class'],
      registers: [this.registry],
    });
    const owner = this;
    new Gauge({
      name: 'rate_limit_tracked_clients',
      help: 'Token buckets held in memory, by limit.',
      labelNames: ['class'],
      registers: [this.registry],
      collect() {
        for (const [name, count] of Object.entries(owner.rateLimitTrackedClients?.() ?? {})) this.set({ class: name }, count);
      },
    });
    new Gauge({
      name: 'db_pool_max_connections',
      help: 'Connections the database pool may open (1 for SQLite).',
      registers: [this.registry],
      collect() {
        this.set(poolStats().max);
      },
    });
    new Gauge({
      name: 'db_pool_in_use',
      help: 'Database connections busy with a query or transaction (SQLite: 0 when scraped, its one connection is synchronous).',
      registers: [this.registry],
      collect() {
        this.set(poolStats().inUse);
      },
    });
    new Gauge({
      name: 'db_pool_waiting',
      help: 'Database queries or transactions waiting for a free pool connection (always 0 on SQLite).',
      registers: [this.registry],
      collect() {
        this.set(poolStats().waiting);
      },
    });
  }
}
