/** Enrollment secrets → contract shape. The secret and its hash never reach here. */
import type { EnrollmentSecret } from '../../domain/enrollment-secret.ts';
import { iso, type Schema } from './schemas.ts';

export function presentEnrollSecret(e: EnrollmentSecret): Schema<'EnrollSecret'> {
  return {
    id: e.id,
    tenantId: e.tenantId,
    sectionId: e.sectionId,
    name: e.name,
    prefix: e.prefix,
    createdAt: e.createdAt.toISOString(),
    expiresAt: iso(e.expiresAt),
    revokedAt: iso(e.revokedAt),
    lastUsedAt: iso(e.lastUsedAt),
  };
}
