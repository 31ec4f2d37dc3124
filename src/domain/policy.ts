/**
 * Policies: what operators tell agents to do, per tenant, section, tag or agent. Their bodies merge into
 * each agent's effective configuration (see domain/configuration.ts and services/configuration/merge.ts).
 */

/** In merge order: a later scope overrides an earlier one. */
export const POLICY_SCOPES = ['tenant', 'section', 'tag', 'agent'] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];

export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 1000;

export type CommandType = 'run_command' | 'update_agent' | 'update_package' | 'rotate_key';

/** Typed keys; every one optional (absent: the value of lower scopes or priorities, or the default). */
export interface PolicyBody {
  heartbeatIntervalSecs?: number;
  reportIntervalSecs?: number;
  collectionIntervalSecs?: number;
  collectors?: string[];
  monitoring?: {
    intervalSecs?: number;
    timeoutSecs?: number;
    pingCount?: number;
    maxConcurrent?: number;
    tracerouteOnFailure?: boolean;
    tracerouteMaxHops?: number;
  };
  endpoints?: { ids?: string[]; tags?: string[] };
  commands?: { allowedTypes?: CommandType[]; maxOutputBytes?: number; maxRuntimeSecs?: number };
  settings?: { [key: string]: unknown };
}

export interface Policy {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  scope: PolicyScope;
  /** null for `tenant`; a section id, a tag or an agent id otherwise. */
  target: string | null;
  priority: number;
  enabled: boolean;
  body: PolicyBody;
  /** Starts at 1; every change increments it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyFilter {
  scope?: PolicyScope;
  target?: string;
}

/** Something a policy names that must exist in its tenant. `path` locates it in the request body. */
export interface PolicyReference {
  /** `tag`: a policy target, carried by an agent; `endpoint-tag`: an endpoint selector, carried by an endpoint. */
  kind: 'section' | 'agent' | 'tag' | 'endpoint' | 'endpoint-tag';
  id: string;
  path: string;
}

/** What a conditional write of a policy found. */
export type PolicyWriteOutcome = { kind: 'done' } | { kind: 'not-found' } | { kind: 'stale'; currentVersion: number } | { kind: 'missing-reference'; reference: PolicyReference };

/** The references a policy makes: its target (unless tenant-wide) and the endpoints (ids, tags) its body selects. */
export function policyReferences(p: Pick<Policy, 'scope' | 'target' | 'body'>): PolicyReference[] {
  const refs: PolicyReference[] = [];
  if (p.scope !== 'tenant' && p.target !== null) refs.push({ kind: p.scope, id: p.target, path: 'body/target' });
  for (const [i, id] of (p.body.endpoints?.ids ?? []).entries()) refs.push({ kind: 'endpoint', id, path: `body/body/endpoints/ids/${i}` });
  for (const [i, tag] of (p.body.endpoints?.tags ?? []).entries()) refs.push({ kind: 'endpoint-tag', id: tag, path: `body/body/endpoints/tags/${i}` });
  return refs;
}

/** The references of `next` that `current` did not make: an update checks only these, so a policy whose
 * target has since been deleted can still be disabled or edited. */
export function addedReferences(current: Pick<Policy, 'scope' | 'target' | 'body'>, next: Pick<Policy, 'scope' | 'target' | 'body'>): PolicyReference[] {
  const known = new Set(policyReferences(current).map((r) => `${r.kind}:${r.id}`));
  return policyReferences(next).filter((r) => !known.has(`${r.kind}:${r.id}`));
}
