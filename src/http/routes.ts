/**
 * Registers every row of the generated operation table on Hono's router. Each route runs one composed
 * function (per-IP rate limit → auth → class rate limit → body → validation → handler) rather than a chain
 * of middleware, which keeps the hot path short. The request deadline covers all of it: a request stuck
 * anywhere (authentication waiting on the database, a slow body, the handler) is answered at the deadline. Dispatch is Hono's; openapi-backend is used only for its precompiled validators.
 */
import type { Context, Hono } from 'hono';
import { operationTable, type OperationDescriptor } from '../../generated/operations.ts';
import { responder, type HandlerMap } from '../handlers/types.ts';
import { authenticate, type Authenticators } from './authenticate.ts';
import { readJsonBody } from './body.ts';
import type { Contract } from './contract.ts';
import type { AppEnv } from './env.ts';
import { ipBucketKey } from './rate-limit/client-ip.ts';
import type { RateLimiter } from './rate-limit/limiter.ts';
import type { IdempotencyGuard } from './idempotency.ts';
import type { RequestScope } from './request-context.ts';
import { createValidator } from './request-validation.ts';
import { HTTPException } from 'hono/http-exception';
import { UnavailableError } from '../services/errors.ts';
import { DATABASE_RETRY_AFTER_SEC, databaseFaultWithin } from './problem.ts';
import { Deadlines } from './timeout.ts';

export interface RouteOptions {
  contract: Contract;
  handlers: HandlerMap;
  auth: Authenticators;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** null when rate limiting is off. */
  rateLimiter: RateLimiter | null;
  idempotency: IdempotencyGuard;
  /** The request scope each route runs in (request id, logging, metrics, errors). */
  scope: RequestScope;
}

export const API_PREFIX = '/api/v1';

const NONE = Object.freeze({}) as Record<string, never>;

interface Input {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
}

/** Registers root operations on `root` and /api/v1 operations on `api` (paths relative to the prefix). */
export function registerOperations(root: Hono<AppEnv>, api: Hono<AppEnv>, options: RouteOptions): void {
  // One deadline sweeper for every route.
  const deadlines = new Deadlines(options.requestTimeoutMs, expired);
  for (const op of operationTable as readonly OperationDescriptor[]) {
    const underApi = op.path === API_PREFIX || op.path.startsWith(API_PREFIX + '/');
    const router = underApi ? api : root;
    const path = underApi ? op.honoPath.slice(API_PREFIX.length) || '/' : op.honoPath;
    router.on(op.method, path, options.scope(operationRoute(op, options, deadlines)));
  }

  /** Past the deadline: 503 when the database has been failing meanwhile (the likely cause), else 504. */
  function expired(timeoutMs: number): unknown {
    if (databaseFaultWithin(timeoutMs)) return new UnavailableError(`no answer within ${timeoutMs} ms: the database is unavailable; retry later`, DATABASE_RETRY_AFTER_SEC);
    return new HTTPException(504, { message: `no answer within ${timeoutMs} ms` });
  }
}

function operationRoute(op: OperationDescriptor, { contract, handlers, auth, bodyLimitBytes, rateLimiter, idempotency }: RouteOptions, deadlines: Deadlines) {
  const handler = handlers[op.operationId] as (c: never, input: unknown, res: unknown) => Response | Promise<Response>;
  if (typeof handler !== 'function') throw new Error(`no handler for operation ${op.operationId}`);
  const validator = createValidator(contract, op.operationId);

  /** Everything before the handler: the early answer (rate limited) or the handler's validated input. */
  const prepare = async (c: Context<AppEnv>): Promise<Response | Input> => {
    c.set('operation', op);
    // The per-IP bucket comes before authentication, so that guessing tokens is limited too.
    const ipKey = rateLimiter ? ipBucketKey(c.get('clientIp')) : '';
    const ipLimited = rateLimiter?.checkIp(c, ipKey);
    if (ipLimited) return ipLimited;
    // Awaited only when it is a promise: a cached operator token answers synchronously.
    let principal = authenticate(c, op, auth);
    if (principal instanceof Promise) principal = await principal;
    c.set('principal', principal);
    const classLimited = rateLimiter?.checkClass(c, op, principal, ipKey);
    if (classLimited) return classLimited;
    const body = op.hasBody ? await readJsonBody(c, bodyLimitBytes, op.bodyContentTypes) : undefined;
    // Only what the operation declares is collected from the request (each costs a parse).
    const params = validator.checks.path ? (c.req.param() as Record<string, string>) : NONE;
    const headers = validator.checks.header ? c.req.header() : NONE;
    // Undeclared query parameters are still collected, so that the validator refuses them.
    const rawQuery = validator.checks.query || c.req.url.includes('?') ? (c.req.queries() as Record<string, string[]>) : NONE;
    const query = validator.validate({ params, headers, query: rawQuery, body });
    return { params, query, body };
  };
  const execute = (c: Context<AppEnv>, input: Input) => {
    const run = () => handler(c as never, input, responder(c));
    return op.idempotent ? idempotency.run(c, op, input.body, run) : run();
  };

  // Long polls hold their answer on purpose: only what comes before their handler has a deadline.
  if (op.longPoll) {
    return async (c: Context<AppEnv>) => {
      const prepared = await deadlines.run(() => prepare(c));
      return prepared instanceof Response ? prepared : execute(c, prepared);
    };
  }
  return (c: Context<AppEnv>) =>
    deadlines.run(async () => {
      const prepared = await prepare(c);
      return prepared instanceof Response ? prepared : execute(c, prepared);
    });
}
