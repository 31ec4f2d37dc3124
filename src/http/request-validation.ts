/**
 * Per-operation request validation with the ajv validators openapi-backend precompiles from the bundled
 * contract (never its router, which compiles a RegExp per operation per request). We call them directly
 * with the shape they were compiled for — `{requestBody}` and `{path, query, header, cookie}` — which also
 * skips its per-request header/cookie/path re-parsing. All failing fields are collected into one 400;
 * query strings come back converted to their declared types (the params validator coerces in place).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Operation } from 'openapi-backend';
import type { Contract } from './contract.ts';
import { ValidationError, type FieldError } from '../services/errors.ts';

export interface RawRequest {
  /** Path parameters as routed. */
  params: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Every value of every query parameter, as Hono's `c.req.queries()` gives them. */
  query: Record<string, string[]>;
  body?: unknown;
}

export interface OperationValidator {
  /** Throws ValidationError listing every failing field; returns the query converted to declared types. */
  validate(req: RawRequest): Record<string, unknown>;
  /** Which parameter locations the operation declares: the caller may skip collecting the others. */
  readonly checks: { readonly path: boolean; readonly query: boolean; readonly header: boolean };
  /** Lower-case names of the declared header parameters: only those need collecting. */
  readonly headerNames: readonly string[];
}

const EMPTY = Object.freeze({});

export function createValidator(contract: Contract, operationId: string): OperationValidator {
  const operation = contract.backend.getOperation(operationId) as Operation;
  if (!operation) throw new Error(`operation ${operationId} is not in the contract`);
  const parameters = (operation.parameters ?? []) as { in: string; name: string; schema?: { type?: string } }[];
  const arrayQuery = new Set(parameters.filter((p) => p.in === 'query' && p.schema?.type === 'array').map((p) => p.name));
  const validators = contract.backend.validator.getRequestValidatorsForOperation(operationId) as ValidateFunction[];
  const hasJsonBody = Boolean((operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json']?.schema);
  const bodyValidator = hasJsonBody ? validators[0] : undefined;
  const paramsValidator = validators[hasJsonBody ? 1 : 0]!;
  const checks = { path: parameters.some((p) => p.in === 'path'), query: parameters.some((p) => p.in === 'query'), header: parameters.some((p) => p.in === 'header') };
  const headerNames = parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
  // Nothing declared to check: skip the work entirely (most GETs of the root router).
  if (parameters.length === 0 && !bodyValidator) return { validate: () => ({}), checks, headerNames };

  return {
    checks,
    headerNames,
    validate(req) {
      const errors: ErrorObject[] = [];
      if (bodyValidator && !bodyValidator({ requestBody: req.body })) errors.push(...bodyValidator.errors!);
      // A repeated scalar parameter is judged by its first value; arrays keep every value.
      const query: Record<string, unknown> = {};
      // Arrays are `form` style: repeated (`types=a&types=b`) or comma-separated (`types=a,b`), or both.
      for (const name in req.query) query[name] = arrayQuery.has(name) ? req.query[name]!.flatMap((v) => v.split(',')).filter(Boolean) : req.query[name]![0];
      if (!paramsValidator({ path: req.params, query, header: req.headers, cookie: EMPTY })) errors.push(...paramsValidator.errors!);
      if (errors.length > 0) throw new ValidationError('request does not match the contract', toFieldErrors(errors));
      return query;
    },
  };
}

/** ajv errors → `{path, message}` with paths like `body/name`, `query/limit`, `header/idempotency-key`. */
export function toFieldErrors(errors: ErrorObject[]): FieldError[] {
  // One message per field: a value failing both `format` and `pattern` is reported once.
  const seen = new Set<string>();
  return errors.map(toFieldError).filter((f) => !seen.has(f.path) && Boolean(seen.add(f.path)));
}

function toFieldError(e: ErrorObject): FieldError {
  {
    let path = e.instancePath.replace(/^\/requestBody/, '/body').slice(1);
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (path === '' && missing === 'requestBody') return { path: 'body', message: 'a JSON body is required' };
      path = path ? `${path}/${missing}` : missing;
    }
    if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not an accepted field';
    }
    if (e.keyword === 'enum') message += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    return { path: path || 'body', message };
  }
}
