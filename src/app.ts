/**
 * Builds the Hono app: root routes (/healthz, /metrics, /openapi.*, /docs) and the /api/v1 router, both
 * generated from the contract's operation table, behind the cross-cutting middleware.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { createHandlers, type HandlerDeps } from './handlers/index.ts';
import type { HandlerMap } from './handlers/types.ts';
import type { AppEnv } from './http/env.ts';
import { IdempotencyGuard } from './http/idempotency.ts';
import { AgentAuthenticator } from './services/auth/agent-authenticator.ts';
import { problem, problemFor } from './http/problem.ts';
import { TrustedProxies } from './http/rate-limit/client-ip.ts';
import { requestContext } from './http/request-context.ts';
import { registerOperations } from './http/routes.ts';
import type { Logger } from './observability/logger.ts';

export interface AppDeps extends HandlerDeps {
  logger: Logger;
  /** Replace handlers (tests exercising failure paths). */
  handlerOverrides?: Partial<HandlerMap>;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger, metrics } = deps;
  const app = new Hono<AppEnv>();
  app.use(requestContext(logger, metrics, config.log.requests, new TrustedProxies(config.rateLimits.trustedProxies)));
  if (config.server.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: config.server.corsOrigins,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Request-Id', 'X-Agent-API-Key'],
        exposeHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  // Only bodies over the threshold are compressed: agents' tiny replies are not worth the CPU. Responses
  // from our builders carry their size, so small ones skip Hono's compress (which reads their headers).
  const threshold = config.server.compressionThresholdBytes;
  const compressLarge = compress({ threshold });
  app.use(async (c, next) => {
    await next();
    if (c.res === c.get('builtResponse') && c.get('bodyLength')! < threshold) return;
    await compressLarge(c, async () => {});
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => problem(c, 405, `${c.req.method} is not allowed here; use ${methods.join(', ')}`, {}, { allow: methods.join(', ') }),
    }),
  );

  const api = new Hono<AppEnv>();
  const handlers = { ...createHandlers(deps), ...deps.handlerOverrides };
  registerOperations(app, api, {
    contract: deps.contract,
    handlers,
    auth: { operator: deps.authenticator, agent: new AgentAuthenticator(deps.repos) },
    bodyLimitBytes: config.server.bodyLimitBytes,
    requestTimeoutMs: config.server.requestTimeoutMs,
    rateLimiter: deps.rateLimiter,
    idempotency: new IdempotencyGuard(deps.repos, config.idempotency, deps.featureMetrics),
  });
  app.route('/api/v1', api);

  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    const known = problemFor(c, err);
    if (known) return known;
    // Unexpected: log everything, tell the client only the request id.
    (c.get('log') ?? logger).error({ err, path: c.req.path, method: c.req.method }, 'unhandled error');
    return problem(c, 500, 'an unexpected error occurred; report the request id');
  });
  return app;
}
