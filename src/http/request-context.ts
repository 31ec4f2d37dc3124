/**
 * First middleware of every request: request id (X-Request-Id honoured or generated, echoed), a child
 * logger carrying it, the client IP, HTTP metrics by route template, RateLimit-* headers, and one access
 * log line.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AppEnv } from './env.ts';
import { resolveClientIp, type TrustedProxies } from './rate-limit/client-ip.ts';

const VALID_ID = /^[\w\-=.:]{1,128}$/;

export function requestContext(logger: Logger, metrics: Metrics, accessLog: boolean, trustedProxies: TrustedProxies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    const responseHeaders: Record<string, string> = { 'x-request-id': requestId };
    c.set('responseHeaders', responseHeaders);
    c.set('log', logger.child({ requestId }));
    c.set('clientIp', resolveClientIp(peerAddress(c), trustedProxies.empty ? undefined : c.req.header('x-forwarded-for'), trustedProxies));
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      // Responses not made by our builders (Hono's, middleware's) get the headers the slow way.
      if (c.res !== c.get('builtResponse')) {
        const headers = c.res.headers;
        for (const name in responseHeaders) headers.set(name, responseHeaders[name]!);
      }
      const status = c.res.status;
      const route = c.get('operation')?.path ?? (status === 405 ? 'method_not_allowed' : 'unmatched');
      const seconds = (performance.now() - started) / 1000;
      const labels = { route, method: c.req.method, status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (accessLog) {
        // Successful requests at debug (thousands of agents heartbeating would flood an info log), client
        // errors at info, server errors at error.
        const log = c.get('log');
        const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
        if (log.isLevelEnabled(level)) log[level]({ method: c.req.method, path: c.req.path, route, status, ip: c.get('clientIp'), durationMs: Math.round(seconds * 1e5) / 100 }, 'request');
      }
    }
  };
}

/** The socket peer; in-process requests (`app.request()`) have none. */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
