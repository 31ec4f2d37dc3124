import { auditEntry } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** Revokes a session of the caller's tenant (idempotent); it fails on its next request. */
export async function revokeSession({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  const principal = requireOperator(ctx);
  const now = ctx.now();
  const audit = auditEntry(ctx, {
    tenantId: principal.tenantId,
    action: 'session.revoke',
    resourceType: 'session',
    resourceId: input.id,
    before: { revokedAt: null },
    after: { revokedAt: now.toISOString() },
  });
  const outcome = await ctx.repos.consoleSessions.revoke(principal.tenantId, input.id, now, { audit });
  if (outcome.kind === 'not_found') throw new NotFoundError('session', input.id);
  ctx.log.info({ sessionId: input.id }, 'console session revoked');
}

/** Signing out: revokes the caller's own session, when it came with one. */
export async function endCurrentSession({ ctx }: { ctx: ServiceContext }): Promise<void> {
  const principal = ctx.principal;
  if (principal?.type !== 'operator' || !principal.sessionId) return;
  await revokeSession({ ctx, input: { id: principal.sessionId } });
}
