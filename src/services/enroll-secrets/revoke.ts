import { publicEnrollmentSecret } from '../../domain/secrets.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

/** Revokes an enrollment secret of the caller's tenant; revoking a revoked one changes nothing. */
export async function revokeEnrollSecret({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  const principal = requirePrincipal(ctx);
  const record = await ctx.repos.enrollmentSecrets.findById(principal.tenantId, input.id);
  if (!record) throw new NotFoundError('enrollment secret', input.id);
  const current = publicEnrollmentSecret(record);
  if (current.revokedAt) return;
  const now = ctx.now();
  const audit = auditEntry(ctx, {
    tenantId: current.tenantId,
    action: 'enroll_secret.revoke',
    resourceType: 'enroll_secret',
    resourceId: current.id,
    before: snapshot(current),
    after: snapshot({ ...current, revokedAt: now }),
  });
  const event = newEvent(ctx, { tenantId: current.tenantId, type: 'enroll_secret_revoked', resourceType: 'enroll_secret', resourceId: current.id, data: { prefix: current.prefix } });
  const outcome = await ctx.repos.enrollmentSecrets.revoke(current.tenantId, current.id, now, { audit, events: [event] });
  if (outcome.kind === 'not_found') throw new NotFoundError('enrollment secret', input.id);
  ctx.log.info({ enrollSecretId: current.id }, 'enrollment secret revoked');
}
