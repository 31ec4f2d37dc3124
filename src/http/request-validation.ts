/**
 * Per-operation request validation with openapi-backend's precompiled validators (never its router):
 * collects every failing field into one 400, then converts query strings to the declared types.
 */
import type { ErrorObject } from 'ajv';
import type { Operation } from 'openapi-backend';
import type { Contract } from './contract.ts';
import { ValidationError, type FieldError } from '../services/errors.ts';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Every value of every query parameter, as Hono's `c.req.queries()` gives them. */
  query: Record<string, string[]>;
  body?: unknown;
}

export interface OperationValidator {
  /** Throws ValidationError listing every failing field; returns the query converted to declared types. */
  validate(req: RawRequest): Record<string, unknown>;
}

type QueryType = 'integer' | 'number' | 'boolean' | 'array' | 'string';

export function createValidator(contract: Contract, operationId: string): OperationValidator {
  const operation = contract.backend.getOperation(operationId) as Operation;
  if (!operation) throw new Error(`operation ${operationId} is not in the contract`);
  const queryTypes = new Map<string, QueryType>();
  for (const p of (operation.parameters ?? []) as { in: string; name: string; schema?: { type?: string } }[]) {
    if (p.in === 'query') queryTypes.set(p.name, (p.schema?.type as QueryType) ?? 'string');
  }
  const validator = contract.backend.validator;
  return {
    validate(req) {
      // A repeated scalar parameter is judged by its first value; arrays keep every value.
      const query: Record<string, string | string[]> = {};
      for (const [name, values] of Object.entries(req.query)) query[name] = queryTypes.get(name) === 'array' ? values : values[0]!;
      const result = validator.validateRequest({ ...req, query } as never, operation);
      if (!result.valid) throw new ValidationError('request does not match the contract', toFieldErrors(result.errors ?? []));
      return coerceQuery(query, queryTypes);
    },
  };
}

function coerceQuery(query: Record<string, string | string[]>, types: Map<string, QueryType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const type = types.get(name);
    if (!type) continue; // undeclared parameters are not passed on
    const value = raw;
    if (type === 'integer' || type === 'number') out[name] = Number(value);
    else if (type === 'boolean') out[name] = value === 'true';
    else if (type === 'array') out[name] = Array.isArray(value) ? value : String(value).split(',');
    else out[name] = value;
  }
  return out;
}

/** ajv errors → `{path, message}` with paths like `body/name`, `query/limit`, `header/idempotency-key`. */
export function toFieldErrors(errors: ErrorObject[]): FieldError[] {
  return errors.map((e) => {
    let path = e.instancePath.replace(/^\/requestBody/, '/body').replace(/^\/headers?/, '/header').slice(1) || 'body';
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`.replace(/^\//, '');
    if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not an accepted field';
    }
    if (e.keyword === 'enum') message += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    if (e.keyword === 'parse') return { path: 'body', message: `malformed JSON: ${message}` };
    return { path, message };
  });
}
