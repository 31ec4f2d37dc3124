/** Test factories: build domain rows with sensible defaults. */
import type { AuditEntry } from '../../src/domain/audit.ts';
import type { OperatorTokenRecord, Role } from '../../src/domain/operator-token.ts';
import type { Repositories } from '../../src/repositories/types.ts';
import type { Tenant } from '../../src/domain/tenant.ts';
import { newId } from '../../src/services/ids.ts';
import { displayPrefix, generateSecret, hashSecret } from '../../src/services/secrets.ts';
import { issueToken } from '../../src/services/tokens/issue.ts';
import { createLogger } from '../../src/observability/logger.ts';

export function tenantRow(overrides: Partial<Tenant> = {}): Tenant {
  return { id: newId(), name: `tenant-${newId().slice(-12)}`, createdAt: new Date(), ...overrides };
}

export function tokenRow(tenantId: string, overrides: Partial<OperatorTokenRecord> = {}): OperatorTokenRecord & { secret: string } {
  const secret = generateSecret('opk');
  return {
    id: newId(),
    tenantId,
    name: 'token',
    prefix: displayPrefix(secret),
    secretHash: hashSecret(secret),
    role: 'admin',
    createdAt: new Date(),
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    secret,
    ...overrides,
  };
}

export function auditRow(tenantId: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: newId(),
    tenantId,
    actorType: 'system',
    actorId: null,
    action: 'test.action',
    resourceType: 'test',
    resourceId: null,
    before: null,
    after: null,
    ip: null,
    requestId: null,
    createdAt: new Date(),
    ...overrides,
  };
}

/** A second tenant with a token of the given role, made through the services as the CLI would. */
export async function tenantWithToken(repos: Repositories, role: Role = 'admin'): Promise<{ tenant: Tenant; secret: string }> {
  const tenant = tenantRow();
  await repos.tenants.create(tenant, { audit: auditRow(tenant.id, { action: 'tenant.create', resourceType: 'tenant', resourceId: tenant.id }) });
  const ctx = { log: createLogger('silent'), repos, requestId: null, ip: null, principal: null, now: () => new Date() };
  const { secret } = await issueToken(ctx, { tenantId: tenant.id, name: `${role} of ${tenant.name}`, role });
  return { tenant, secret };
}
