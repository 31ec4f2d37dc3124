/**
 * Builds the Hono app: root routes (/healthz, /metrics, /openapi.*, /docs) and the /api/v1 router, both
 * generated from the contract's operation table, each route (and the not-found answer) wrapped in the request
 * scope (request id, CORS, errors, compression, metrics, access log).
 */
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { createHandlers, type HandlerDeps } from './handlers/index.ts';
import type { HandlerMap } from './handlers/types.ts';
import type { AppEnv } from './http/env.ts';
import { IdempotencyGuard } from './http/idempotency.ts';
import { AgentAuthenticator } from './services/auth/agent-authenticator.ts';
import { SessionAuthenticator } from './services/auth/session-authenticator.ts';
import { allowedMethodsFromTable } from './http/method-not-allowed.ts';
import { problem, problemFor } from './http/problem.ts';
import { TrustedProxies } from './http/rate-limit/client-ip.ts';
import { requestLog, requestScope } from './http/request-context.ts';
import { registerOperations } from './http/routes.ts';
import type { Logger } from './observability/logger.ts';

export interface AppDeps extends HandlerDeps {
  logger: Logger;
  /** Replace handlers (tests exercising failure paths). */
  handlerOverrides?: Partial<HandlerMap>;
}

function corsMiddleware(origins: string[]) {
  return cors({
    origin: origins,
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Request-Id', 'X-Agent-API-Key'],
    exposeHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Idempotent-Replayed'],
    maxAge: 600,
  });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger, metrics } = deps;
  const app = new Hono<AppEnv>();
  // Only bodies over the threshold are compressed: agents' tiny replies are not worth the CPU.
  const threshold = config.server.compressionThresholdBytes;
  const cors = config.server.corsOrigins.length > 0 ? corsMiddleware(config.server.corsOrigins) : undefined;
  const onError = (c: Context<AppEnv>, err: unknown): Response => {
    const known = problemFor(c, err);
    if (known) return known;
    // Unexpected: log everything, tell the client only the request id.
    (c.get('baseLogger') ? requestLog(c) : logger).error({ err, path: c.req.path, method: c.req.method }, 'unhandled error');
    return problem(c, 500, 'an unexpected error occurred; report the request id');
  };
  const scope = requestScope({
    logger,
    metrics,
    accessLog: config.log.requests,
    trustedProxies: new TrustedProxies(config.rateLimits.trustedProxies),
    compression: { thresholdBytes: threshold, compress: compress({ threshold }) },
    cors,
    onError,
  });

  const api = new Hono<AppEnv>();
  const handlers = { ...createHandlers(deps), ...deps.handlerOverrides };
  registerOperations(app, api, {
    contract: deps.contract,
    handlers,
    repos: deps.repos,
    auth: {
      operator: deps.authenticator,
      agent: new AgentAuthenticator(deps.repos, deps.configuration.keys),
      session: new SessionAuthenticator(deps.repos, config.auth),
    },
    bodyLimitBytes: config.server.bodyLimitBytes,
    requestTimeoutMs: config.server.requestTimeoutMs,
    rateLimiter: deps.rateLimiter,
    idempotency: new IdempotencyGuard(deps.repos, config.idempotency, deps.featureMetrics),
    scope,
  });
  app.route('/api/v1', api);

  // Unrouted: 405 with Allow when the contract has the path under other methods, else 404.
  const allowedMethods = allowedMethodsFromTable();
  app.notFound(
    scope((c) => {
      const allow = allowedMethods(c.req.path);
      if (allow.length > 0) return problem(c, 405, `${c.req.method} is not allowed here; use ${allow.join(', ')}`, {}, { allow: allow.join(', ') });
      return problem(c, 404, `no route for ${c.req.method} ${c.req.path}`);
    }),
  );
  // Answers catch their own errors inside the scope; this is the last resort should the scope itself fail.
  app.onError((err, c) => onError(c, err));
  return app;
}
