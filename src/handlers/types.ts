/**
 * Handler types derived from the generated contract types: each handler receives its validated input
 * and a responder whose statuses and bodies are those the contract declares for it.
 */
import type { Context } from 'hono';
import type { OperationId, OperationTypes } from '../../generated/operations.ts';
import type { AppEnv } from '../http/env.ts';
import { emptyResponse, jsonResponse } from '../http/response.ts';

type Op<K extends OperationId> = OperationTypes[K];
type Params<K extends OperationId> = Op<K> extends { parameters: infer P } ? P : never;
type PathOf<K extends OperationId> = Params<K> extends { path: infer T } ? ([T] extends [undefined] ? Record<never, never> : NonNullable<T>) : Record<never, never>;
type QueryOf<K extends OperationId> = Params<K> extends { query?: infer T } ? ([T] extends [undefined] ? Record<never, never> : NonNullable<T>) : Record<never, never>;
type BodyOf<K extends OperationId> = Op<K> extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : Op<K> extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;

export interface HandlerInput<K extends OperationId> {
  params: PathOf<K>;
  query: QueryOf<K>;
  body: BodyOf<K>;
}

type Responses<K extends OperationId> = Op<K> extends { responses: infer R } ? R : never;
type JsonStatus<K extends OperationId> = {
  [S in keyof Responses<K>]: Responses<K>[S] extends { content: { 'application/json': unknown } } ? S : never;
}[keyof Responses<K>] &
  number;
type JsonBody<K extends OperationId, S> = S extends keyof Responses<K> ? (Responses<K>[S] extends { content: { 'application/json': infer B } } ? B : never) : never;
type EmptyStatus<K extends OperationId> = {
  [S in keyof Responses<K>]: Responses<K>[S] extends { content?: never } ? S : never;
}[keyof Responses<K>] &
  number;

export interface Responder<K extends OperationId> {
  json<S extends JsonStatus<K>>(status: S, body: JsonBody<K, S>, headers?: Record<string, string>): Response;
  empty(status: EmptyStatus<K>, headers?: Record<string, string>): Response;
}

export type Handler<K extends OperationId> = (c: Context<AppEnv>, input: HandlerInput<K>, res: Responder<K>) => Response | Promise<Response>;

/** One handler per contract operation: a missing or misspelled one is a type error. */
export type HandlerMap = { [K in OperationId]: Handler<K> };

export function responder<K extends OperationId>(c: Context<AppEnv>): Responder<K> {
  return {
    json: (status, body, headers) => jsonResponse(c, status, body, headers),
    empty: (status, headers) => emptyResponse(c, status, headers),
  };
}
