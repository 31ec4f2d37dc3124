/** Row → domain mappers for sections and enrollment secrets, shared by both dialects. */
import type { EnrollmentSecret, EnrollmentSecretRecord } from '../tenancy-types.ts';
import type { UniqueTarget } from './unique-violation.ts';

export function withoutSecretHash(row: EnrollmentSecretRecord): EnrollmentSecret {
  const { secretHash: _secretHash, ...secret } = row;
  return secret;
}

export const TENANT_NAME_UNIQUE: UniqueTarget = { constraint: 'tenants_name_unique', columns: 'tenants.name' };
export const SECTION_NAME_UNIQUE: UniqueTarget = { constraint: 'sections_tenant_name_key', columns: 'sections.tenant_id, sections.name' };
