/**
 * The request scope every answer runs in: request id (X-Request-Id honoured or generated, echoed), a child
 * logger carrying it (made on first use), the client IP, CORS when configured, errors turned into problem
 * responses; and once the response is made, compression of large bodies, the request's headers
 * (RateLimit-* and the id) on responses our builders did not make, HTTP metrics by route template and one
 * access log line.
 *
 * It wraps each route's function (and the not-found answer) instead of being app-wide middleware: a route
 * is then the only handler Hono matches, which Hono dispatches without composing a middleware chain (one
 * async layer and its closures fewer per request).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AppEnv } from './env.ts';
import { resolveClientIp, type TrustedProxies } from './rate-limit/client-ip.ts';
import { requestHeader } from './headers.ts';

const VALID_ID = /^[\w\-=.:]{1,128}$/;

/** What a route (or the not-found handler) does once the scope is set up. */
export type Answer = (c: Context<AppEnv>) => Response | Promise<Response>;
/** Wraps an answer into a Hono handler running in the request scope. */
export type RequestScope = (answer: Answer) => (c: Context<AppEnv>) => Promise<Response>;

export interface RequestScopeOptions {
  logger: Logger;
  metrics: Metrics;
  /** Whether to write the access log line. */
  accessLog: boolean;
  trustedProxies: TrustedProxies;
  /** Hono's compress middleware, applied to responses from `thresholdBytes` up. */
  compression: { thresholdBytes: number; compress: MiddlewareHandler };
  /** Hono's cors middleware when origins are configured. */
  cors?: MiddlewareHandler;
  /** Turns anything an answer throws into a response (problem+json). */
  onError: (c: Context<AppEnv>, err: unknown) => Response;
}

const NOTHING_NEXT = async () => {};

export function requestScope({ logger, metrics, accessLog, trustedProxies, compression, cors, onError }: RequestScopeOptions): RequestScope {
  return (answer) => {
    const guarded = async (c: Context<AppEnv>): Promise<Response> => {
      try {
        return await answer(c);
      } catch (err) {
        return onError(c, err);
      }
    };
    // CORS runs around the answer so that its headers land on every response, errors included, and it
    // answers preflights itself.
    const answered = cors
      ? async (c: Context<AppEnv>): Promise<Response> => {
          const preflight = await cors(c, async () => {
            c.res = await guarded(c);
          });
          return preflight ?? c.res;
        }
      : guarded;

    return async (c) => {
      const started = performance.now();
      const incoming = requestHeader(c, 'x-request-id');
      const requestId = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
      c.set('requestId', requestId);
      const responseHeaders: Record<string, string> = { 'x-request-id': requestId };
      c.set('responseHeaders', responseHeaders);
      c.set('baseLogger', logger);
      c.set('clientIp', resolveClientIp(peerAddress(c), trustedProxies.empty ? undefined : requestHeader(c, 'x-forwarded-for'), trustedProxies));
      metrics.httpInFlight.inc();
      let res: Response;
      try {
        res = await answered(c);
      } finally {
        metrics.httpInFlight.dec();
      }
      // Our builders record the body size: small bodies skip compress (which reads the headers) outright.
      const built = res === c.get('builtResponse');
      if (!built || c.get('bodyLength')! >= compression.thresholdBytes) {
        c.res = res;
        await compression.compress(c, NOTHING_NEXT);
        res = c.res;
      }
      // Responses not made by our builders (Hono's, middleware's) get the headers the slow way.
      if (res !== c.get('builtResponse')) {
        const headers = res.headers;
        for (const name in responseHeaders) headers.set(name, responseHeaders[name]!);
      }
      const status = res.status;
      const route = c.get('operation')?.path ?? (status === 405 ? 'method_not_allowed' : 'unmatched');
      const seconds = (performance.now() - started) / 1000;
      const labels = { route, method: c.req.method, status: String(status) };
      metrics.httpDuration.observe(labels, seconds);
      if (accessLog) {
        // Successful requests at debug (thousands of agents heartbeating would flood an info log), client
        // errors at info, server errors at error.
        const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
        if (logger.isLevelEnabled(level)) requestLog(c)[level]({ method: c.req.method, path: c.req.path, route, status, ip: c.get('clientIp'), durationMs: Math.round(seconds * 1e5) / 100 }, 'request');
      }
      return res;
    };
  };
}

/**
 * The request's logger: a child of the app's carrying the request id, made on first use (most requests
 * log nothing, and a pino child costs about as much as a metric update).
 */
export function requestLog(c: Context<AppEnv>): Logger {
  let log = c.get('log');
  if (log === undefined) {
    log = c.get('baseLogger').child({ requestId: c.get('requestId') });
    c.set('log', log);
  }
  return log;
}

/** The socket peer; in-process requests (`app.request()`) have none. */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
