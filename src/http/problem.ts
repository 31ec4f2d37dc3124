/**
 * RFC 9457 problem+json: the only place where errors become HTTP responses. Types are stable URIs
 * (`https://agentry.dev/problems/<kind>`) so clients can branch on them.
 */
import type { Context } from 'hono';
import { jsonResponse } from './response.ts';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  GoneError,
  LimitExceededError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  type FieldError,
} from '../services/errors.ts';
import { transientDatabaseFault } from '../repositories/shared/transient-errors.ts';

export const PROBLEM_BASE = 'https://agentry.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const titles: Record<number, [kind: string, title: string]> = {
  400: ['validation', 'Request is not valid'],
  401: ['unauthorized', 'Authentication required'],
  403: ['forbidden', 'Not allowed'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict'],
  410: ['gone', 'Gone'],
  412: ['precondition-failed', 'Precondition failed'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable request'],
  429: ['rate-limited', 'Too many requests'],
  500: ['internal', 'Internal server error'],
  503: ['unavailable', 'Service unavailable'],
  504: ['timeout', 'Request timed out'],
};

/** Builds a problem response. `kind` defaults to the status's standard kind. */
export function problem(c: Context, status: number, detail: string, extra: Partial<Problem> & { kind?: string } = {}, headers: Record<string, string> = {}): Response {
  const [defaultKind, title] = titles[status] ?? ['error', 'Error'];
  const { kind, ...rest } = extra;
  const body: Problem = {
    type: PROBLEM_BASE + (kind ?? defaultKind),
    title,
    status,
    detail,
    instance: c.req.path,
    requestId: c.get('requestId') as string | undefined,
    ...rest,
  };
  return jsonResponse(c, status, body, headers, 'application/problem+json');
}

/** How long clients are asked to wait when the database is unreachable or restarting. */
export const DATABASE_RETRY_AFTER_SEC = 2;

/** When a transient database fault was last answered (performance.now()); see `databaseFaultWithin`. */
let lastDatabaseFaultAt = Number.NEGATIVE_INFINITY;

/** Whether a request failed on an unreachable database in the last `ms`: a request timing out then is a 503, not a 504. */
export function databaseFaultWithin(ms: number): boolean {
  return performance.now() - lastDatabaseFaultAt <= ms;
}

/**
 * The domain error for what a handler threw: errors of the database being unreachable or restarting
 * (connection refused/reset/closed, SQLSTATE 08xxx and 57P01-57P03, SQLITE_BUSY past the busy timeout)
 * become "unavailable", whatever the route; anything else is returned as it is.
 */
export function asDomainError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const fault = transientDatabaseFault(err);
  if (fault === null) return err;
  lastDatabaseFaultAt = performance.now();
  return new UnavailableError(`the database is unavailable (${fault}); retry later`, DATABASE_RETRY_AFTER_SEC);
}

/** Maps anything thrown by a handler or service to a problem response; `null` means "unexpected" (a 500). */
export function problemFor(c: Context, thrown: unknown): Response | null {
  const err = asDomainError(thrown);
  if (err instanceof DomainError) {
    if (err instanceof ValidationError) return problem(c, 400, err.message, { errors: err.errors });
    if (err instanceof UnauthorizedError) return problem(c, 401, err.message, {}, { 'www-authenticate': 'Bearer' });
    if (err instanceof ForbiddenError) return problem(c, 403, err.message);
    if (err instanceof NotFoundError) return problem(c, 404, err.message);
    if (err instanceof ConflictError) return problem(c, 409, err.message, { kind: err.kind, ...err.details });
    if (err instanceof GoneError) return problem(c, 410, err.message, err.details);
    if (err instanceof PreconditionFailedError) return problem(c, 412, err.message, { kind: err.kind });
    if (err instanceof PayloadTooLargeError) return problem(c, 413, err.message, { kind: err.kind, ...err.details });
    if (err instanceof LimitExceededError) return problem(c, 400, err.message, { kind: err.kind });
    if (err instanceof UnavailableError) {
      return problem(c, 503, err.message, {}, err.retryAfterSeconds ? { 'retry-after': String(err.retryAfterSeconds) } : {});
    }
  }
  if (err instanceof HTTPException) {
    return problem(c, err.status as ContentfulStatusCode, err.message || (titles[err.status]?.[1] ?? 'Error'));
  }
  return null;
}
