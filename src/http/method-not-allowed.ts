/**
 * 405 answers from the operation table: when no route matched, the methods the contract declares for the
 * request's path (GET implies HEAD). It runs in the not-found handler, so routed requests pay nothing for it
 * (Hono's methodNotAllowed middleware wraps every request in one more async layer).
 */
import { TrieRouter } from 'hono/router/trie-router';
import { operationTable, type OperationDescriptor } from '../../generated/operations.ts';

export type AllowedMethods = (path: string) => readonly string[];

export function allowedMethodsFromTable(table: readonly OperationDescriptor[] = operationTable): AllowedMethods {
  const byPath = new Map<string, Set<string>>();
  for (const op of table) {
    const methods = byPath.get(op.honoPath) ?? new Set<string>();
    methods.add(op.method.toUpperCase());
    if (op.method.toUpperCase() === 'GET') methods.add('HEAD');
    byPath.set(op.honoPath, methods);
  }
  const router = new TrieRouter<readonly string[]>();
  for (const [path, methods] of byPath) router.add('ALL', path, [...methods]);
  return (path) => {
    const allowed = new Set<string>();
    for (const [methods] of router.match('ALL', path)[0]) for (const m of methods) allowed.add(m);
    return [...allowed];
  };
}
