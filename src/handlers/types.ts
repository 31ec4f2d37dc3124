/**
 * Handler types derived from the generated contract types. The route (the request edge) calls each
 * handler as `handler(input, res, ctx, c)`:
 * - `input`: the validated request — path (ids in canonical lower case), query (converted to declared
 *   types), the declared header parameters by lower-case name, and the JSON body;
 * - `res`: a responder whose statuses and bodies are those the contract declares for the operation;
 * - `ctx`: the service context, built once per request (principal, repositories, logger, request id);
 * - `c`: Hono's context, for the few handlers that answer outside JSON (streams, text, the docs page).
 */
import type { Context } from 'hono';
import type { OperationId, OperationTypes, operationTable } from '../../generated/operations.ts';
import type { AppEnv } from '../http/env.ts';
import { emptyResponse, jsonResponse } from '../http/response.ts';
import type { BodyOf, HeadersOf, PathOf, QueryOf } from '../operation-types.ts';
import type { ServiceContext } from '../services/context.ts';

export interface HandlerInput<K extends OperationId> {
  params: PathOf<K>;
  query: QueryOf<K>;
  headers: HeadersOf<K>;
  body: BodyOf<K>;
}

type Responses<K extends OperationId> = OperationTypes[K] extends { responses: infer R } ? R : never;
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

export type Handler<K extends OperationId> = (input: HandlerInput<K>, res: Responder<K>, ctx: ServiceContext, c: Context<AppEnv>) => Response | Promise<Response>;

/** One handler per contract operation: a missing or misspelled one is a type error. */
export type HandlerMap = { [K in OperationId]: Handler<K> };

type OperationRow = (typeof operationTable)[number];
/** The contract's tags; each has one handler module (README's layout section names them). */
export type Tag = OperationRow['tag'];
/** The handlers of one tag's operations, exactly: a module serving another tag's operation fails tsc. */
export type TagHandlers<T extends Tag> = { [K in Extract<OperationRow, { tag: T }>['operationId']]: Handler<K> };

/** A class rather than an object of closures: one small allocation per request. */
class ContextResponder implements Responder<OperationId> {
  private readonly c: Context<AppEnv>;

  constructor(c: Context<AppEnv>) {
    this.c = c;
  }

  json(status: number, body: unknown, headers?: Record<string, string>): Response {
    return jsonResponse(this.c, status, body, headers);
  }

  empty(status: number, headers?: Record<string, string>): Response {
    return emptyResponse(this.c, status, headers);
  }
}

export function responder<K extends OperationId>(c: Context<AppEnv>): Responder<K> {
  // The statuses and bodies are checked where handlers call it, against the operation's own types.
  return new ContextResponder(c) as unknown as Responder<K>;
}
