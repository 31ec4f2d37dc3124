/**
 * The request scope every answer runs in, as named steps composed by hand in `requestScope`:
 *   before the answer   `assignRequestId` (X-Request-Id honoured or generated, echoed; the logger base),
 *                        `assignClientIp` (through trusted proxies)
 *   around the answer   `withErrors` (anything thrown → problem response), `withCors` (when configured),
 *                        the in-flight gauge
 *   after the answer    `compressLarge`, `addRequestHeaders` (request id and RateLimit-* on responses our
 *                        builders did not make), `observeRequest` (duration histogram by route template),
 *                        `logAccess` (one line per request)
 *
 * A long answer that detaches (a parked poll, see detached-answer.ts) skips the steps after the answer
 * when it lets go of the chain; they run, with CORS around them, when its answer comes.
 *
 * It wraps each route's function (and the not-found answer) instead of being app-wide middleware: a route
 * is then the only handler Hono matches, which Hono dispatches without composing a middleware chain (one
 * async layer and its closures fewer per request). The steps are plain functions called in order, not
 * Hono middleware, for the same reason: nothing is allocated per request for the composition itself.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AppEnv } from './env.ts';
import { resolveClientIp, type TrustedProxies } from './rate-limit/client-ip.ts';
import { requestHeader } from './headers.ts';
import type { Finishing } from './detached-answer.ts';

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
  compression: Compression;
  /** Hono's cors middleware when origins are configured. */
  cors?: MiddlewareHandler;
  /** Turns anything an answer throws into a response (problem+json). */
  onError: (c: Context<AppEnv>, err: unknown) => Response;
}

interface Compression {
  thresholdBytes: number;
  compress: MiddlewareHandler;
}

export function requestScope({ logger, metrics, accessLog, trustedProxies, compression, cors, onError }: RequestScopeOptions): RequestScope {
  return (answer) => {
    const answered = withCors(cors, withErrors(answer, onError));
    /** After the answer: compression, headers, the duration histogram and the access log line. */
    const finish = (c: Context<AppEnv>, answer: Response, started: number): Response | Promise<Response> => {
      metrics.httpInFlight.dec();
      const compressed = compressLarge(c, answer, compression);
      return compressed instanceof Promise ? compressed.then((res) => recorded(c, res, started)) : recorded(c, compressed, started);
    };
    const recorded = (c: Context<AppEnv>, res: Response, started: number): Response => {
      addRequestHeaders(c, res);
      const status = res.status;
      const route = c.get('operation')?.path ?? (status === 405 ? 'method_not_allowed' : 'unmatched');
      const seconds = (performance.now() - started) / 1000;
      observeRequest(metrics, c, route, status, seconds);
      if (accessLog) logAccess(c, logger, route, status, seconds);
      return res;
    };
    /** How a detached answer (see detached-answer.ts) is finished once the chain has let go of it: CORS around it too, as around any answer. */
    const finishing: Finishing = {
      finish: cors ? (c, res, started) => Promise.resolve(withCors(cors, () => res)(c)).then((answer) => finish(c, answer, started)) : finish,
      onError,
    };
    // Not an async function: a request waiting for its answer (a parked long poll) holds one reaction here
    // rather than a suspended frame.
    return (c) => {
      const started = performance.now();
      assignRequestId(c, logger);
      assignClientIp(c, trustedProxies);
      metrics.httpInFlight.inc();
      let res: Response | Promise<Response>;
      try {
        res = answered(c);
      } catch (err) {
        metrics.httpInFlight.dec();
        return Promise.reject(err);
      }
      if (!(res instanceof Promise)) return Promise.resolve(finish(c, res, started));
      return res.then(
        (answer) => {
          const detached = c.get('detached');
          if (detached === undefined) return finish(c, answer, started);
          // Hono and @hono/node-server let go now; the detached answer is finished when it comes.
          detached.attach(finishing, started);
          return answer;
        },
        (err: unknown) => {
          metrics.httpInFlight.dec();
          throw err;
        },
      );
    };
  };
}

const VALID_ID = /^[\w\-=.:]{1,128}$/;

/** The client's X-Request-Id when sane, else a fresh one; echoed on every response, on every log line. */
function assignRequestId(c: Context<AppEnv>, logger: Logger): void {
  const incoming = requestHeader(c, 'x-request-id');
  const requestId = incoming && VALID_ID.test(incoming) ? incoming : flat(crypto.randomUUID());
  c.set('requestId', requestId);
  c.set('responseHeaders', { 'x-request-id': requestId });
  c.set('baseLogger', logger);
}

/**
 * The string in one piece. V8 keeps `randomUUID()`'s result as the tree of ~14 pieces it was concatenated
 * from (~450 B instead of ~56) until something flattens it, and a parked long poll keeps its request id for
 * the whole wait.
 */
function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** The client's address: the socket peer, or what trusted proxies forwarded. */
function assignClientIp(c: Context<AppEnv>, trustedProxies: TrustedProxies): void {
  const forwardedFor = trustedProxies.empty ? undefined : requestHeader(c, 'x-forwarded-for');
  c.set('clientIp', resolveClientIp(peerAddress(c), forwardedFor, trustedProxies));
}

/** Anything the answer throws becomes a response (problem+json), so that the later steps still run. */
function withErrors(answer: Answer, onError: RequestScopeOptions['onError']): Answer {
  return (c) => {
    let res: Response | Promise<Response>;
    try {
      res = answer(c);
    } catch (err) {
      return onError(c, err);
    }
    return res instanceof Promise ? res.catch((err: unknown) => onError(c, err)) : res;
  };
}

/** CORS around the answer, so that its headers land on every response, errors included; it answers preflights itself. */
function withCors(cors: MiddlewareHandler | undefined, answer: Answer): Answer {
  if (!cors) return answer;
  return async (c) => {
    const preflight = await cors(c, async () => {
      c.res = await answer(c);
    });
    return preflight ?? c.res;
  };
}

const NOTHING_NEXT = async () => {};

/** Compresses bodies from the threshold up. Our builders record the body size: small ones skip compress (which reads the headers) outright. */
function compressLarge(c: Context<AppEnv>, res: Response, { thresholdBytes, compress }: Compression): Response | Promise<Response> {
  if (res === c.get('builtResponse') && c.get('bodyLength')! < thresholdBytes) return res;
  c.res = res;
  return compress(c, NOTHING_NEXT).then(() => c.res);
}

/** Responses not made by our builders (Hono's, middleware's) get the request's headers the slow way. */
function addRequestHeaders(c: Context<AppEnv>, res: Response): void {
  if (res === c.get('builtResponse')) return;
  const responseHeaders = c.get('responseHeaders');
  const headers = res.headers;
  for (const name in responseHeaders) headers.set(name, responseHeaders[name]!);
}

function observeRequest(metrics: Metrics, c: Context<AppEnv>, route: string, status: number, seconds: number): void {
  metrics.httpDuration.observe({ route, method: c.req.method, status: String(status) }, seconds);
}

/** Successful requests at debug (thousands of agents heartbeating would flood an info log), client errors at info, server errors at error. */
function logAccess(c: Context<AppEnv>, logger: Logger, route: string, status: number, seconds: number): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  requestLog(c)[level]({ method: c.req.method, path: c.req.path, route, status, ip: c.get('clientIp'), durationMs: Math.round(seconds * 1e5) / 100 }, 'request');
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
