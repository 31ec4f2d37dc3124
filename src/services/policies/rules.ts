/** Rules every policy write shares: the target must fit the scope, and outcomes become domain errors. */
import type { Policy, PolicyReference, PolicyScope, PolicyWriteOutcome } from '../../domain/policy.ts';
import type { NewEvent } from '../../domain/event.ts';
import { VersionConflictError } from '../concurrency.ts';
import type { ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The stored target for a scope: null for tenant; a lower-case id for section and agent; the tag as given. */
export function normaliseTarget(scope: PolicyScope, target: string | null | undefined): string | null {
  const error = (message: string) => new ValidationError(`target: ${message}`, [{ path: 'body/target', message }]);
  if (scope === 'tenant') {
    if (target !== undefined && target !== null) throw error('a tenant-wide policy has no target');
    return null;
  }
  if (target === undefined || target === null) throw error(`a ${scope} policy needs a target`);
  if (scope === 'tag') return target;
  const id = target.toLowerCase();
  if (!UUID.test(id)) throw error(`must be the id of a${scope === 'agent' ? 'n' : ''} ${scope}`);
  return id;
}

const REFERENCE_NAMES: Record<PolicyReference['kind'], string> = {
  section: 'section',
  agent: 'agent',
  tag: 'tag (carried by no agent of the tenant)',
  endpoint: 'endpoint',
  'endpoint-tag': 'endpoint tag (carried by no endpoint of the tenant)',
};

/** Turns a repository outcome into the service's answer: nothing on success, a domain error otherwise. */
export function raiseForOutcome(outcome: PolicyWriteOutcome, policyId: string): 'done' | 'stale' {
  switch (outcome.kind) {
    case 'done':
      return 'done';
    case 'not-found':
      throw new NotFoundError('policy', policyId);
    case 'missing-reference':
      throw new NotFoundError(REFERENCE_NAMES[outcome.reference.kind], `${outcome.reference.id} (${outcome.reference.path})`);
    case 'stale':
      return 'stale';
  }
}

export function staleError(outcome: PolicyWriteOutcome): VersionConflictError {
  return new VersionConflictError(outcome.kind === 'stale' ? outcome.currentVersion : 0);
}

export function policyChanged(ctx: ServiceContext, policy: Policy, action: 'created' | 'updated' | 'deleted'): NewEvent {
  return newEvent(ctx, {
    tenantId: policy.tenantId,
    type: 'policy_changed',
    resourceType: 'policy',
    resourceId: policy.id,
    data: { action, name: policy.name, scope: policy.scope, target: policy.target, version: policy.version },
  });
}

/** The policy as the audit log records it. */
export function policySnapshot(p: Policy): Record<string, unknown> {
  return { name: p.name, description: p.description, scope: p.scope, target: p.target, priority: p.priority, enabled: p.enabled, body: p.body, version: p.version };
}
