import { auditEntry } from '../audit/entry.ts';
import type { OperatorAuthenticator } from '../auth/operator-authenticator.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

/** Revokes a token of the caller's tenant (idempotent) and drops it from this instance's auth cache at once. */
export async function revokeToken({ ctx, input, authenticator }: { ctx: ServiceContext; input: { id: string }; authenticator: OperatorAuthenticator }): Promise<void> {
  const principal = requirePrincipal(ctx);
  const now = ctx.now();
  const audit = auditEntry(ctx, {
    tenantId: principal.tenantId,
    action: 'token.revoke',
    resourceType: 'token',
    resourceId: input.id,
    before: { revokedAt: null },
    after: { revokedAt: now.toISOString() },
  });
  const event = newEvent(ctx, { tenantId: principal.tenantId, type: 'token_revoked', resourceType: 'token', resourceId: input.id });
  const outcome = await ctx.repos.operatorTokens.revoke(principal.tenantId, input.id, now, { audit, events: [event] });
  if (outcome.kind === 'not_found') throw new NotFoundError('token', input.id);
  authenticator.invalidate(outcome.value.id);
  ctx.log.info({ tokenId: outcome.value.id }, 'operator token revoked');
}
