/** Dialect-neutral parts of the policy repositories: filters, the applicability condition, references. */
import { and, eq, inArray, or, type Column, type SQL } from 'drizzle-orm';
import { allOf } from './conditions.ts';
import { ascendingPage, type ListQuery } from './paging.ts';
import type { PolicyFilter, PolicyReference, PolicyWriteOutcome } from '../../domain/policy.ts';
import type { PolicySubject } from '../ports/policies.ts';
import type { PageRequest } from '../../domain/paging.ts';
import type { policies as pgPolicies } from '../postgres/schema.ts';
import type { policies as sqlitePolicies } from '../sqlite/schema.ts';

type PolicyTable = typeof sqlitePolicies | typeof pgPolicies;

/** The tenant's policies, oldest first, narrowed by scope and target when asked. */
export function policyList(t: PolicyTable, tenantId: string, filter: PolicyFilter, page: PageRequest): ListQuery {
  return ascendingPage(t.id, page, and(eq(t.tenantId, tenantId), filter.scope ? eq(t.scope, filter.scope) : undefined, filter.target !== undefined ? eq(t.target, filter.target) : undefined));
}

/** Enabled, and tenant-wide or aimed at the subject's section, one of its tags, or the agent itself. */
export function applicableWhere(t: PolicyTable, tenantId: string, s: PolicySubject): SQL | undefined {
  return and(
    eq(t.tenantId, tenantId),
    eq(t.enabled, true),
    or(
      eq(t.scope, 'tenant'),
      s.sectionId ? and(eq(t.scope, 'section'), eq(t.target, s.sectionId)) : undefined,
      s.tags.length > 0 ? and(eq(t.scope, 'tag'), inArray(t.target, [...s.tags])) : undefined,
      and(eq(t.scope, 'agent'), eq(t.target, s.agentId)),
    ),
  );
}

/**
 * The first reference `exists` says is missing, checking each distinct one once. `exists` runs inside the
 * write's transaction, so a reference cannot vanish between the check and the write.
 */
export function firstMissing(refs: readonly PolicyReference[], exists: (ref: PolicyReference) => boolean): PolicyReference | null {
  for (const ref of refs) if (!exists(ref)) return ref;
  return null;
}

export async function firstMissingAsync(refs: readonly PolicyReference[], exists: (ref: PolicyReference) => Promise<boolean>): Promise<PolicyReference | null> {
  for (const ref of refs) if (!(await exists(ref))) return ref;
  return null;
}

/** The row a reference to an agent or endpoint points to: the tenant's row with that id, or (tag kinds) any of its rows carrying the tag. */
export function referenceWhere(t: { tenantId: Column; id: Column; tags: Column }, tenantId: string, ref: PolicyReference, hasTag: (tags: Column, tag: string) => SQL): SQL {
  const byTag = ref.kind === 'tag' || ref.kind === 'endpoint-tag';
  return allOf(eq(t.tenantId, tenantId), byTag ? hasTag(t.tags, ref.id) : eq(t.id, ref.id));
}

/** The answer to a write whose policy is missing, or at another version than the write expected. */
export function notWritable(current: { version: number } | undefined): PolicyWriteOutcome {
  return current ? { kind: 'stale', currentVersion: current.version } : { kind: 'not-found' };
}
