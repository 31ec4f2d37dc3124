/**
 * Registers every row of the generated operation table on Hono's router. Each route runs one composed
 * function (per-IP rate limit → auth → class rate limit → body → validation → handler) rather than a chain
 * of middleware, which keeps the hot path short. Dispatch is Hono's; openapi-backend is used only for its precompiled validators.
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
import { createValidator } from './request-validation.ts';
import { withTimeout } from './timeout.ts';

export interface RouteOptions {
  contract: Contract;
  handlers: HandlerMap;
  auth: Authenticators;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** null when rate limiting is off. */
  rateLimiter: RateLimiter | null;
  idempotency: IdempotencyGuard;
}

export const API_PREFIX = '/api/v1';

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Registers root operations on `root` and /api/v1 operations on `api` (paths relative to the prefix). */
export function registerOperations(root: Hono<AppEnv>, api: Hono<AppEnv>, options: RouteOptions): void {
  for (const op of operationTable as readonly OperationDescriptor[]) {
    const underApi = op.path === API_PREFIX || op.path.startsWith(API_PREFIX + '/');
    const router = underApi ? api : root;
    const path = underApi ? op.honoPath.slice(API_PREFIX.length) || '/' : op.honoPath;
    router.on(op.method, path, operationRoute(op, options));
  }
}

function operationRoute(op: OperationDescriptor, { contract, handlers, auth, bodyLimitBytes, requestTimeoutMs, rateLimiter, idempotency }: RouteOptions) {
  const handler = handlers[op.operationId] as (c: never, input: unknown, res: unknown) => Response | Promise<Response>;
  if (typeof handler !== 'function') throw new Error(`no handler for operation ${op.operationId}`);
  const validator = createValidator(contract, op.operationId);
  const timeoutMs = op.longPoll ? 0 : requestTimeoutMs;

  return async (c: Context<AppEnv>) => {
    c.set('operation', op);
    // The per-IP bucket comes before authentication, so that guessing tokens is limited too.
    const ipKey = rateLimiter ? ipBucketKey(c.get('clientIp')) : '';
    const ipLimited = rateLimiter?.checkIp(c, ipKey);
    if (ipLimited) return ipLimited;
    const principal = await authenticate(c, op, auth);
    c.set('principal', principal);
    const classLimited = rateLimiter?.checkClass(c, op, principal, ipKey);
    if (classLimited) return classLimited;
    const body = op.hasBody ? await readJsonBody(c, bodyLimitBytes, op.bodyContentTypes) : undefined;
    const params = c.req.param() as Record<string, string>;
    const query = validator.validate({ params, headers: validator.checksHeaders ? c.req.header() : NO_HEADERS, query: c.req.queries() as Record<string, string[]>, body });
    const input = { params, query, body };
    const execute = () => withTimeout(timeoutMs, () => handler(c as never, input, responder(c)));
    return op.idempotent ? idempotency.run(c, op, body, execute) : execute();
  };
}
