/**
 * Counts repository calls on a running server: every method of every repository in `repos` is wrapped on
 * the instance (handlers reach repositories through the same objects). Repositories hold all SQL, so no
 * call means no query.
 */
import type { Repositories } from '../../src/repositories/types.ts';

export interface QueryCounter {
  readonly calls: string[];
  reset(): void;
  restore(): void;
}

export function countRepositoryCalls(repos: Repositories): QueryCounter {
  const calls: string[] = [];
  const restores: (() => void)[] = [];
  for (const [name, repo] of Object.entries(repos)) {
    if (typeof repo !== 'object' || repo === null) continue;
    const target = repo as Record<string, unknown>;
    for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const method of Object.getOwnPropertyNames(proto)) {
        const original = target[method];
        if (method === 'constructor' || typeof original !== 'function' || Object.hasOwn(target, method)) continue;
        target[method] = (...args: unknown[]) => {
          calls.push(`${name}.${method}`);
          return (original as (...a: unknown[]) => unknown).apply(repo, args);
        };
        restores.push(() => delete target[method]);
      }
    }
  }
  for (const method of ['ping'] as const) {
    const original = repos[method];
    (repos as { ping: () => Promise<void> }).ping = () => {
      calls.push(method);
      return original.call(repos);
    };
    restores.push(() => ((repos as { ping: () => Promise<void> }).ping = original));
  }
  return {
    calls,
    reset: () => void calls.splice(0),
    restore: () => {
      for (const r of restores) r();
    },
  };
}
