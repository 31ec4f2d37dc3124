/**
 * First middleware of every request: request id (X-Request-Id honoured or generated, echoed), a child
 * logger carrying it, HTTP metrics by route template, and one access log line.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AppEnv } from './env.ts';

const VALID_ID = /^[\w\-=.:]{1,128}$/;

export function requestContext(logger: Logger, metrics: Metrics, accessLog: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.set('log', logger.child({ requestId }));
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      c.res.headers.set('x-request-id', requestId);
      const status = c.res.status;
      const route = c.get('operation')?.path ?? (status === 405 ? 'method_not_allowed' : 'unmatched');
      const seconds = (performance.now() - started) / 1000;
      const labels = { route, method: c.req.method, status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (accessLog) {
        c.get('log').info({ method: c.req.method, path: c.req.path, route, status, durationMs: Math.round(seconds * 1e5) / 100 }, 'request');
      }
    }
  };
}
