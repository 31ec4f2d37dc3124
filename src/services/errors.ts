/**
 * Domain errors thrown by services. Only src/http/problem.ts turns them into HTTP responses, so that
 * business rules never speak HTTP.
 */
export interface FieldError {
  /** `body/name`, `query/limit`, … */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** Stable machine-readable kind; becomes the problem `type`. */
  abstract readonly kind: string;
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  readonly errors: FieldError[];

  constructor(message: string, errors: FieldError[] = []) {
    super(message);
    this.errors = errors;
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(resource: string, id?: string) {
    super(id ? `${resource} ${id} does not exist` : `${resource} does not exist`);
  }
}

export class ConflictError extends DomainError {
  readonly kind: string = 'conflict';
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed';
}

export class LimitExceededError extends DomainError {
  readonly kind = 'limit-exceeded';
}

/** A request carries more than a limit allows of something (beyond the body limit the HTTP layer enforces). */
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload-too-large';
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, retryAfterSeconds?: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The thing asked for existed but is gone for good (e.g. an event offset past retention). */
export class GoneError extends DomainError {
  readonly kind = 'gone';
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

/** A name that must be unique in its scope (tenant names on the server, section names in a tenant) is taken. */
export class NameTakenError extends ConflictError {
  override readonly kind = 'name-taken';
  constructor(resource: string, name: string) {
    super(`a ${resource} named "${name}" already exists`, { name });
  }
}
