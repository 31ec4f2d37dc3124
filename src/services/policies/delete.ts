import { auditEntry } from '../audit/entry.ts';
import { checkVersion } from '../concurrency.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { policyChanged, policySnapshot, raiseForOutcome, staleError } from './rules.ts';

const ATTEMPTS = 3;

/** Deletes a policy of the caller's tenant, optionally only while it is at the version named by If-Match. */
export async function deletePolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string; ifMatch?: string } }): Promise<void> {
  const { tenantId } = requirePrincipal(ctx);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.policies.findById(tenantId, input.id);
    if (!current) throw new NotFoundError('policy', input.id);
    checkVersion(current.version, { ifMatch: input.ifMatch });
    const audit = auditEntry(ctx, { tenantId, action: 'policy.delete', resourceType: 'policy', resourceId: current.id, before: policySnapshot(current) });
    const outcome = await ctx.repos.policies.delete(tenantId, current.id, current.version, { audit, events: [policyChanged(ctx, current, 'deleted')] });
    if (raiseForOutcome(outcome, input.id) === 'done') {
      ctx.log.info({ policyId: current.id }, 'policy deleted');
      return;
    }
    if (attempt >= ATTEMPTS) throw staleError(outcome);
  }
}
