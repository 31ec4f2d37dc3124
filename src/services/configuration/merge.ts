/**
 * The policy merge, pure: scopes in the order tenant → section → tag → agent, ascending priority within a
 * scope (ties by id, i.e. creation order), so the last applied wins. Objects merge key by key; arrays,
 * scalars and null replace. Every leaf of the result remembers which policy set it and what it replaced.
 */
import type { PolicySource, ProvenanceEntry } from '../../domain/configuration.ts';
import { POLICY_SCOPES, type Policy, type PolicyBody } from '../../domain/policy.ts';

export type MergeablePolicy = Pick<Policy, 'id' | 'name' | 'scope' | 'target' | 'priority' | 'body'>;

export const DEFAULT_SOURCE: PolicySource = { kind: 'default', policyId: null, name: null, scope: null, target: null, priority: null };

type Json = { [key: string]: unknown };

export function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const scopeRank = (scope: Policy['scope']): number => POLICY_SCOPES.indexOf(scope);

/** The merge order; sorts a copy. */
export function mergeOrder<P extends MergeablePolicy>(policies: readonly P[]): P[] {
  return [...policies].sort((a, b) => scopeRank(a.scope) - scopeRank(b.scope) || a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function sourceOf(p: MergeablePolicy): PolicySource {
  return { kind: 'policy', policyId: p.id, name: p.name, scope: p.scope, target: p.target, priority: p.priority };
}

export interface MergeResult {
  body: PolicyBody;
  /** Merge order, as sources. */
  applied: PolicySource[];
  /** One entry per leaf of `body`, sorted by path. */
  provenance: ProvenanceEntry[];
}

/** Merges `policies` (in any order: they are sorted here) over `defaults`. Inputs are not modified. */
export function mergePolicies(defaults: PolicyBody, policies: readonly MergeablePolicy[]): MergeResult {
  const merged: Json = {};
  const provenance = new Map<string, ProvenanceEntry>();
  apply(merged, defaults as Json, '', DEFAULT_SOURCE, provenance);
  const ordered = mergeOrder(policies);
  for (const p of ordered) apply(merged, p.body as Json, '', sourceOf(p), provenance);
  const entries = [...provenance.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { body: merged as PolicyBody, applied: ordered.map(sourceOf), provenance: entries };
}

function apply(target: Json, layer: Json, prefix: string, source: PolicySource, provenance: Map<string, ProvenanceEntry>): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const path = prefix + key;
    const current = target[key];
    if (isPlainObject(value)) {
      if (!isPlainObject(current)) {
        // A leaf (or nothing) becomes an object: what it held is overridden by the keys set below it.
        const displaced = takeSubtree(provenance, path);
        target[key] = {};
        apply(target[key] as Json, value, `${path}.`, source, provenance);
        if (displaced.length > 0) for (const e of subtreeEntries(provenance, path)) e.overridden.push(...displaced);
      } else {
        apply(current, value, `${path}.`, source, provenance);
      }
      continue;
    }
    const overridden = takeSubtree(provenance, path);
    target[key] = structuredClone(value);
    provenance.set(path, { path, value: structuredClone(value), source, overridden });
  }
}

/** Removes the entries at `path` and below, returning what they held (most recent first) as overridden values. */
function takeSubtree(provenance: Map<string, ProvenanceEntry>, path: string): ProvenanceEntry['overridden'] {
  const taken: ProvenanceEntry['overridden'] = [];
  for (const [p, e] of provenance) {
    if (p !== path && !p.startsWith(`${path}.`)) continue;
    taken.push({ value: e.value, source: e.source }, ...e.overridden);
    provenance.delete(p);
  }
  return taken;
}

function subtreeEntries(provenance: Map<string, ProvenanceEntry>, path: string): ProvenanceEntry[] {
  return [...provenance.values()].filter((e) => e.path.startsWith(`${path}.`));
}
