/** Tenants, sections and enrollment secrets → contract shapes (dates as RFC 3339 UTC). Secret hashes never pass through here. */
import type { EnrollmentSecret } from '../domain/enrollment-secret.ts';
import type { Section } from '../domain/section.ts';
import type { Tenant } from '../domain/tenant.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentTenant(t: Tenant) {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString() };
}

export function presentSection(s: Section) {
  return {
    id: s.id,
    tenantId: s.tenantId,
    name: s.name,
    description: s.description,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function presentEnrollSecret(e: EnrollmentSecret) {
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
