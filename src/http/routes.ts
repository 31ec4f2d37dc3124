/**
 * Registers every row of the generated operation table on Hono's router. Each route runs one composed
 * function (per-IP rate limit → auth → class rate limit → body → validation → handler) rather than a chain
 * of middleware, which keeps the hot path short. The request deadline covers all of it: a request stuck
 * anywhere (authentication waiting on the database, a slow body, the handler) is answered at the deadline.
 * Dispatch is Hono's; openapi-backend is used only for its precompiled validators.
 *
 * The route is the request edge: it hands the handler the validated input (path, query, the declared
 * headers, body) and the service context, built once here, so that handlers never read the raw request.
 */
import type { Context, Hono } from 'hono';
import { operationTable, type OperationDescriptor } from '../../generated/operations.ts';
import { responder, type HandlerInput, type HandlerMap } from '../handlers/types.ts';
import type { Repositories } from '../repositories/types.ts';
import { authenticate, type Authenticators } from './authenticate.ts';
import { readJsonBody } from './body.ts';
import { requestHeader } from './headers.ts';
import type { Contract } from './contract.ts';
import type { AppEnv } from './env.ts';
import { ipBucketKey } from './rate-limit/client-ip.ts';
import type { RateLimiter } from './rate-limit/limiter.ts';
import type { IdempotencyGuard } from './idempotency.ts';
import type { RequestScope } from './request-context.ts';
import { createValidator } from './request-validation.ts';
import type { Principal } from '../services/context.ts';
import { RequestServiceContext } from './service-context.ts';
import { HTTPException } from 'hono/http-exception';
import { UnavailableError } from '../services/errors.ts';
import { DATABASE_RETRY_AFTER_SEC, databaseFaultWithin } from './problem.ts';
import { Deadlines } from './timeout.ts';

export interface RouteOptions {
  contract: Contract;
  handlers: HandlerMap;
  /** Handed to handlers in the service context. */
  repos: Repositories;
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

/** Registers root operations on `root` and /api/v1 operations on `api` (paths relative to the prefix). */
export function registerOperations(root: Hono<AppEnv>, api: Hono<AppEnv>, options: RouteOptions): void {
  // One deadline sweeper for every route.
  const deadlines = new Deadlines(options.requestTimeoutMs, expired);
  for (const op of operationTable as readonly OperationDescriptor[]) {
    const underApi = op.path === API_PREFIX || op.path.startsWith(`${API_PREFIX}/`);
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

function operationRoute(op: OperationDescriptor, { contract, handlers, repos, auth, bodyLimitBytes, rateLimiter, idempotency }: RouteOptions, deadlines: Deadlines) {
  // The table row and the handler are paired by operationId; the input is built to that operation's contract.
  const handler = handlers[op.operationId] as (input: HandlerInput<never>, res: unknown, ctx: RequestServiceContext, c: Context<AppEnv>) => Response | Promise<Response>;
  if (typeof handler !== 'function') throw new Error(`no handler for operation ${op.operationId}`);
  const validator = createValidator(contract, op.operationId);
  if (op.idempotent && !validator.headerNames.includes('idempotency-key')) throw new Error(`${op.operationId} is x-idempotent but does not declare the Idempotency-Key header`);

  /** Everything before the handler: the early answer (rate limited) or the handler's validated input. */
  // Everything before the handler, in steps that stay synchronous until something really waits (an agent
  // key lookup, a request body): a GET with a cached operator token is answered without a single promise.
  type Early = Response | Prepared;
  const prepare = (c: Context<AppEnv>): Early | Promise<Early> => {
    c.set('operation', op);
    // The per-IP bucket comes before authentication, so that guessing tokens is limited too.
    const ipKey = rateLimiter ? ipBucketKey(c.get('clientIp')) : '';
    const ipLimited = rateLimiter?.checkIp(c, ipKey);
    if (ipLimited) return ipLimited;
    // A cached operator token answers synchronously.
    const principal = authenticate(c, op, auth);
    return principal instanceof Promise ? principal.then((p) => authorized(c, p, ipKey)) : authorized(c, principal, ipKey);
  };
  const authorized = (c: Context<AppEnv>, principal: Principal | null, ipKey: string): Early | Promise<Early> => {
    c.set('principal', principal);
    const classLimited = rateLimiter?.checkClass(c, op, principal, ipKey);
    if (classLimited) return classLimited;
    if (!op.hasBody) return validated(c, principal, undefined);
    return readJsonBody(c, bodyLimitBytes, op.bodyContentTypes).then((body) => validated(c, principal, body));
  };
  const validated = (c: Context<AppEnv>, principal: Principal | null, body: unknown): Prepared => {
    // Only what the operation declares is collected from the request (each costs a parse). Path ids need no
    // lower-casing after this: the contract's id patterns accept only the canonical lower-case form.
    const params = validator.checks.path ? (c.req.param() as Record<string, string>) : NONE;
    const headers = validator.checks.header ? declaredHeaders(c, validator.headerNames) : NONE;
    // Undeclared query parameters are still collected, so that the validator refuses them.
    const rawQuery = validator.checks.query || c.req.url.includes('?') ? (c.req.queries() as Record<string, string[]>) : NONE;
    const query = validator.validate({ params, headers, query: rawQuery, body });
    // Validated against this operation's contract just above: the shape its handler's types describe.
    const input = { params, query, headers, body } as HandlerInput<never>;
    return { input, ctx: new RequestServiceContext(c, repos, principal), idempotencyKey: headers['idempotency-key'] };
  };
  const execute = (c: Context<AppEnv>, { input, ctx, idempotencyKey }: Prepared) => {
    const run = () => handler(input, responder(c), ctx, c);
    return op.idempotent ? idempotency.run(c, op, input.body, idempotencyKey, run) : run();
  };
  const answer = (c: Context<AppEnv>, prepared: Early) => (prepared instanceof Response ? prepared : execute(c, prepared));

  // Long polls hold their answer on purpose: only what comes before their handler has a deadline.
  // Not async: a parked poll holds no suspended frame here.
  if (op.longPoll) {
    return (c: Context<AppEnv>) => {
      const prepared = deadlines.run(() => prepare(c));
      return prepared instanceof Promise ? prepared.then((p) => answer(c, p)) : answer(c, prepared);
    };
  }
  // Synchronous work is answered at once; the deadline tracks whatever returns a promise.
  return (c: Context<AppEnv>) =>
    deadlines.run(() => {
      const prepared = prepare(c);
      return prepared instanceof Promise ? prepared.then((p) => answer(c, p)) : answer(c, prepared);
    });
}

interface Prepared {
  input: HandlerInput<never>;
  ctx: RequestServiceContext;
  idempotencyKey: string | undefined;
}

/** The header parameters the operation declares, those present, by lower-case name. */
function declaredHeaders(c: Context<AppEnv>, names: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = requestHeader(c, name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
