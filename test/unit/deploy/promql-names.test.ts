/** The PromQL metric-name extractor the dashboard and alert checks rely on. */
import { describe, expect, it } from 'vitest';
import { exposedSeriesNames, metricNames } from '../../helpers/promql.ts';

describe('metricNames', () => {
  it('names metrics, not functions, labels, keywords, durations or variables', () => {
    const expr = `histogram_quantile(0.95, sum by (job, route, le) (rate(http_request_duration_seconds_bucket{job="agentry", route!~"/a/{id}"}[$__rate_interval])))
      > 1 and on (job) sum(rate(http_requests_total{status=~"5.."}[5m] offset 1h)) / ignoring(instance) db_pool_max_connections{instance="$instance"}`;
    expect(metricNames(expr).sort()).toEqual(['db_pool_max_connections', 'http_request_duration_seconds_bucket', 'http_requests_total']);
  });

  it('reads a bare metric and arithmetic of several', () => {
    expect(metricNames('up == 0')).toEqual(['up']);
    expect(metricNames('(event_waiters + event_streams_open) / process_max_fds > 0.7').sort()).toEqual(['event_streams_open', 'event_waiters', 'process_max_fds']);
  });
});

describe('exposedSeriesNames', () => {
  it('includes the parts of histograms', () => {
    const names = exposedSeriesNames('# HELP x_seconds h\n# TYPE x_seconds histogram\n# TYPE y_total counter\ny_total 1\n');
    expect([...names].sort()).toEqual(['x_seconds', 'x_seconds_bucket', 'x_seconds_count', 'x_seconds_sum', 'y_total']);
  });
});
