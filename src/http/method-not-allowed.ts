/**
 * 405 answers from the operation table: when no route matched, the methods the contract declares for the
 * request's path (GET implies HEAD). It runs in the not-found handler, so routed requests pay nothing for it
 * (Hono's methodNotAllowed middleware wraps every request in one more async layer). Where a concrete path
 * and a templated one both match (`/agents/bulk` and `/agents/{agentId}`), the concrete one is the path,
 * as OpenAPI matches them: the fewest template parameters win.
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
  const router = new TrieRouter<{ methods: readonly string[]; params: number }>();
  for (const [path, methods] of byPath) router.add('ALL', path, { methods: [...methods], params: path.split(':').length - 1 });
  return (path) => {
    const matches = router.match('ALL', path)[0].map(([route]) => route);
    const fewest = Math.min(...matches.map((m) => m.params));
    const allowed = new Set<string>();
    for (const m of matches) if (m.params === fewest) for (const method of m.methods) allowed.add(method);
    return [...allowed];
  };
}
