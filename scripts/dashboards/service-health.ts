/** Service health: readiness, RED per route (rate, errors, duration), saturation, long-lived requests. */
import { type DashboardSpec, sel, stat, ts } from './grafana.ts';

const rate = (metric: string, matchers = '') => `rate(${metric}${sel(matchers)}[$__rate_interval])`;
const quantile = (q: number, by: string) => `histogram_quantile(${q}, sum by (${by}le) (${rate('http_request_duration_seconds_bucket')}))`;

export const serviceHealth: DashboardSpec = {
  uid: 'agentry-service-health',
  title: 'agentry / Service health',
  description: 'Readiness, requests per route (rate, errors, duration), saturation of each instance.',
  rows: [
    {
      title: 'Readiness',
      panels: [
        stat('Instances up', 'Instances Prometheus scrapes successfully.', 'short', [{ expr: `sum(up${sel()})` }]),
        stat('Dependencies failing', 'Readiness checks (database, nats) failing now, all instances.', 'short', [{ expr: `count(readiness_check_ok${sel()} == 0) or vector(0)` }], 1),
        stat(
          '5xx ratio',
          'Share of requests answered 5xx over the last 5 minutes.',
          'percentunit',
          [{ expr: `sum(rate(http_requests_total${sel('status=~"5.."')}[5m])) / sum(rate(http_requests_total${sel()}[5m]))` }],
          0.05,
        ),
        stat(
          'p95 latency',
          'All routes except long polls and streams.',
          's',
          [
            {
              expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${sel('route!~"/api/v1/agent/[{]agentId[}]/commands|/api/v1/commands/.*/output|/api/v1/events|/api/v1/events/stream"')}[5m])))`,
            },
          ],
          1,
        ),
        ts('Readiness per check', '1 while the dependency answers, 0 when the readiness check fails.', 'none', [
          { expr: `min by (instance, check) (readiness_check_ok${sel()})`, legend: '{{instance}} {{check}}' },
        ]),
        ts('Scrape up', '1 when Prometheus reached the instance.', 'none', [{ expr: `up${sel()}`, legend: '{{instance}}' }]),
      ],
    },
    {
      title: 'Requests per route',
      panels: [
        ts('Requests/s by route', 'Rate of every route template.', 'reqps', [{ expr: `sum by (route) (${rate('http_requests_total')})`, legend: '{{route}}' }], { stacked: true }),
        ts('5xx/s by route', 'Server errors, including ingestion back-pressure 503s.', 'reqps', [
          { expr: `sum by (route, status) (${rate('http_requests_total', 'status=~"5.."')})`, legend: '{{route}} {{status}}' },
        ]),
        ts('4xx/s by route', 'Client errors: validation, auth, not found, rate limits.', 'reqps', [
          { expr: `sum by (route, status) (${rate('http_requests_total', 'status=~"4.."')})`, legend: '{{route}} {{status}}' },
        ]),
        ts('Error ratio by route', 'Share of 5xx per route.', 'percentunit', [
          { expr: `sum by (route) (${rate('http_requests_total', 'status=~"5.."')}) / sum by (route) (${rate('http_requests_total')})`, legend: '{{route}}' },
        ]),
        ts('p95 duration by route', '95th percentile of request duration per route (long polls run up to their wait).', 's', [{ expr: quantile(0.95, 'route, '), legend: '{{route}}' }]),
        ts('p50 duration by route', 'Median request duration per route.', 's', [{ expr: quantile(0.5, 'route, '), legend: '{{route}}' }]),
        ts('In flight', 'Requests being served, per instance (long polls included).', 'short', [{ expr: `sum by (instance) (http_requests_in_flight${sel()})`, legend: '{{instance}}' }]),
        ts('Rate-limit rejections/s', '429 answers by limit.', 'reqps', [{ expr: `sum by (class) (${rate('rate_limit_rejections_total')})`, legend: '{{class}}' }]),
      ],
    },
    {
      title: 'Saturation',
      panels: [
        ts('CPU', 'CPU seconds per second of each process (1 = one core).', 'none', [{ expr: `sum by (instance) (${rate('process_cpu_seconds_total')})`, legend: '{{instance}}' }]),
        ts('Resident memory', 'RSS of each process.', 'bytes', [{ expr: `process_resident_memory_bytes${sel()}`, legend: '{{instance}}' }]),
        ts('Event loop lag p99', 'A busy event loop delays every request on the instance.', 's', [{ expr: `nodejs_eventloop_lag_p99_seconds${sel()}`, legend: '{{instance}}' }]),
        ts('Open files', 'Open file descriptors against the limit (each connection holds one).', 'percentunit', [{ expr: `process_open_fds${sel()} / process_max_fds${sel()}`, legend: '{{instance}}' }]),
        ts('Database pool', 'Connections busy and work waiting for one, against the pool size.', 'short', [
          { expr: `db_pool_in_use${sel()}`, legend: '{{instance}} in use' },
          { expr: `db_pool_waiting${sel()}`, legend: '{{instance}} waiting' },
          { expr: `db_pool_max_connections${sel()}`, legend: '{{instance}} max' },
        ]),
        ts('Heap used', 'V8 heap in use.', 'bytes', [{ expr: `sum by (instance) (nodejs_heap_size_used_bytes${sel()})`, legend: '{{instance}}' }]),
        ts('GC time', 'Seconds per second spent in garbage collection.', 'percentunit', [{ expr: `sum by (instance) (${rate('nodejs_gc_duration_seconds_sum')})`, legend: '{{instance}}' }]),
        ts('Rate-limit buckets', 'Token buckets held in memory, by limit.', 'short', [{ expr: `sum by (class) (rate_limit_tracked_clients${sel()})`, legend: '{{class}}' }]),
      ],
    },
    {
      title: 'Long-lived requests and events',
      panels: [
        ts('Event waiters', 'Long polls parked waiting for events.', 'short', [{ expr: `event_waiters${sel()}`, legend: '{{instance}}' }]),
        ts('Event streams open', 'Server-Sent Event streams.', 'short', [{ expr: `event_streams_open${sel()}`, legend: '{{instance}}' }]),
        ts('Events published/s', 'Events committed to the feed by each instance.', 'ops', [{ expr: `sum by (instance) (${rate('events_published_total')})`, legend: '{{instance}}' }]),
        ts('Idempotency', 'Replayed responses and refused keys.', 'ops', [
          { expr: `sum(${rate('idempotent_replays_total')})`, legend: 'replays' },
          { expr: `sum by (reason) (${rate('idempotency_conflicts_total')})`, legend: 'conflict {{reason}}' },
        ]),
      ],
    },
  ],
};
