import type { EnrollmentSecret } from '../../domain/enrollment-secret.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';
import { displayPrefix, generateSecret, hashSecret } from '../secrets.ts';

export interface CreateEnrollSecretInput {
  name: string;
  sectionId?: string;
  expiresAt?: Date;
}

/**
 * Issues an enrollment secret for the caller's tenant or one of its sections. The secret is returned
 * once; only its hash is stored. A section of another tenant is missing (the repository checks it inside
 * the writing transaction).
 */
export async function createEnrollSecret({ ctx, input }: { ctx: ServiceContext; input: CreateEnrollSecretInput }): Promise<{ enrollSecret: EnrollmentSecret; secret: string }> {
  const principal = requirePrincipal(ctx);
  const now = ctx.now();
  // NaN: a time the format allows but Date cannot represent (a leap second).
  if (input.expiresAt && !(input.expiresAt > now)) {
    throw new ValidationError('expiresAt must lie in the future', [{ path: 'body/expiresAt', message: 'must be a representable time in the future' }]);
  }
  const secret = generateSecret('ens');
  const enrollSecret: EnrollmentSecret = {
    id: newId(),
    tenantId: principal.tenantId,
    sectionId: input.sectionId ?? null,
    name: input.name,
    prefix: displayPrefix(secret),
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    lastUsedAt: null,
  };
  const audit = auditEntry(ctx, { tenantId: enrollSecret.tenantId, action: 'enroll_secret.create', resourceType: 'enroll_secret', resourceId: enrollSecret.id, after: snapshot(enrollSecret) });
  const event = newEvent(ctx, {
    tenantId: enrollSecret.tenantId,
    type: 'enroll_secret_created',
    resourceType: 'enroll_secret',
    resourceId: enrollSecret.id,
    data: { name: enrollSecret.name, prefix: enrollSecret.prefix, sectionId: enrollSecret.sectionId },
  });
  const outcome = await ctx.repos.enrollmentSecrets.create({ ...enrollSecret, secretHash: hashSecret(secret) }, { audit, events: [event] });
  if (outcome.kind === 'not_found') throw new NotFoundError('section', input.sectionId);
  ctx.log.info({ enrollSecretId: enrollSecret.id, sectionId: enrollSecret.sectionId }, 'enrollment secret created');
  return { enrollSecret, secret };
}
