/**
 * The parts of each contract operation's request, typed from the generated operation types: what the
 * request edge hands a handler, and what services take as input where it is the request as the contract
 * declares it. Header names are lower case, as HTTP/1.1 delivers them and the validator checks them.
 */
import type { OperationId, OperationTypes } from '../generated/operations.ts';

type Op<K extends OperationId> = OperationTypes[K];
type Params<K extends OperationId> = Op<K> extends { parameters: infer P } ? P : never;
type Empty = Record<never, never>;

export type PathOf<K extends OperationId> = Params<K> extends { path: infer T } ? ([T] extends [undefined] ? Empty : NonNullable<T>) : Empty;
export type QueryOf<K extends OperationId> = Params<K> extends { query?: infer T } ? ([T] extends [undefined] ? Empty : NonNullable<T>) : Empty;
/** Declared header parameters by lower-case name (`'if-match'`, `'last-event-id'`, `'idempotency-key'`). */
export type HeadersOf<K extends OperationId> = Params<K> extends { header?: infer T } ? ([T] extends [undefined] ? Empty : { [N in keyof NonNullable<T> as Lowercase<N & string>]: NonNullable<T>[N] }) : Empty;
export type BodyOf<K extends OperationId> =
  Op<K> extends { requestBody: { content: { 'application/json': infer B } } } ? B : Op<K> extends { requestBody?: { content: { 'application/json': infer B } } } ? B | undefined : undefined;
/** The JSON body the contract declares for a status of the operation. */
export type JsonBodyOf<K extends OperationId, S extends number> = Op<K> extends { responses: { [P in S]: { content: { 'application/json': infer B } } } } ? B : never;
