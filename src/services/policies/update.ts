import type { Policy, PolicyBody, PolicyScope } from '../../domain/policy.ts';
import { auditEntry } from '../audit/entry.ts';
import { checkVersion, type Expectation } from '../concurrency.ts';
import { canonicalJson } from '../configuration/document.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { normaliseTarget, policyChanged, policySnapshot, raiseForOutcome, staleError } from './rules.ts';

export interface UpdatePolicyInput extends Expectation {
  id: string;
  name?: string;
  /** null clears it; absent keeps it. */
  description?: string | null;
  scope?: PolicyScope;
  /** Checked against the (new or current) scope; absent keeps the current target when the scope stays. */
  target?: string | null;
  priority?: number;
  enabled?: boolean;
  /** Replaces the whole body. */
  body?: PolicyBody;
}

/** Unconditional changes that lose a race re-read and retry this often before giving up with a conflict. */
const ATTEMPTS = 3;

/**
 * Changes a policy of the caller's tenant and increments its version. The caller's expectation (If-Match:
 * 412, body version: 409) is checked against the version read, and the write lands only if the policy is
 * still at that version. References are checked again in the write's transaction.
 */
export async function updatePolicy({ ctx, input }: { ctx: ServiceContext; input: UpdatePolicyInput }): Promise<Policy> {
  const { tenantId } = requirePrincipal(ctx);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.policies.findById(tenantId, input.id);
    if (!current) throw new NotFoundError('policy', input.id);
    checkVersion(current.version, input);
    const scope = input.scope ?? current.scope;
    const target = input.target !== undefined || scope !== current.scope ? normaliseTarget(scope, input.target) : current.target;
    const next: Policy = {
      ...current,
      name: input.name ?? current.name,
      description: input.description === undefined ? current.description : input.description,
      scope,
      target,
      priority: input.priority ?? current.priority,
      enabled: input.enabled ?? current.enabled,
      body: input.body ?? current.body,
    };
    if (canonicalJson(policySnapshot(next)) === canonicalJson(policySnapshot(current))) return current;
    next.version = current.version + 1;
    next.updatedAt = ctx.now();
    const audit = auditEntry(ctx, { tenantId, action: 'policy.update', resourceType: 'policy', resourceId: current.id, before: policySnapshot(current), after: policySnapshot(next) });
    const outcome = await ctx.repos.policies.update(next, current.version, { audit, events: [policyChanged(ctx, next, 'updated')] });
    if (raiseForOutcome(outcome, input.id) === 'done') {
      ctx.log.info({ policyId: next.id, version: next.version }, 'policy updated');
      return next;
    }
    if (attempt >= ATTEMPTS) throw staleError(outcome);
  }
}
