import type { Policy, PolicyBody, PolicyScope } from '../../domain/policy.ts';
import { auditEntry } from '../audit/entry.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { newId } from '../ids.ts';
import { normaliseTarget, policyChanged, policySnapshot, raiseForOutcome } from './rules.ts';

export interface CreatePolicyInput {
  name: string;
  description?: string;
  scope: PolicyScope;
  target?: string | null;
  priority?: number;
  enabled?: boolean;
  body: PolicyBody;
}

/**
 * Creates a policy of the caller's tenant at version 1. Its target and the endpoints it names must exist in
 * the tenant (checked in the write's transaction: NotFoundError, nothing stored).
 */
export async function createPolicy({ ctx, input }: { ctx: ServiceContext; input: CreatePolicyInput }): Promise<Policy> {
  const { tenantId } = requirePrincipal(ctx);
  const now = ctx.now();
  const policy: Policy = {
    id: newId(),
    tenantId,
    name: input.name,
    description: input.description ?? null,
    scope: input.scope,
    target: normaliseTarget(input.scope, input.target),
    priority: input.priority ?? 0,
    enabled: input.enabled ?? true,
    body: input.body,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const audit = auditEntry(ctx, { tenantId, action: 'policy.create', resourceType: 'policy', resourceId: policy.id, after: policySnapshot(policy) });
  raiseForOutcome(await ctx.repos.policies.create(policy, { audit, events: [policyChanged(ctx, policy, 'created')] }), policy.id);
  ctx.log.info({ policyId: policy.id, scope: policy.scope }, 'policy created');
  return policy;
}
