/**
 * First start on an empty database: the default tenant and a system token. The token comes from
 * AGENTRY_ADMIN_TOKEN when set, else it is generated and returned once for the caller to print.
 */
import type { Repositories } from '../repositories/types.ts';
import { auditEntry } from './audit/entry.ts';
import type { ServiceContext } from './context.ts';
import { ValidationError } from './errors.ts';
import { newEvent } from './events/new-event.ts';
import { newId } from './ids.ts';
import { displayPrefix, generateSecret, hashSecret, looksLikeSecret } from './secrets.ts';

export interface BootstrapResult {
  created: boolean;
  /** The generated secret, only when one was generated (print it once). */
  generatedSecret: string | null;
}

export async function bootstrap({ ctx, adminToken }: { ctx: ServiceContext; adminToken?: string }): Promise<BootstrapResult> {
  if (adminToken !== undefined && !looksLikeSecret(adminToken, 'opk')) {
    throw new ValidationError('AGENTRY_ADMIN_TOKEN must look like opk_ followed by 43 letters or digits (generate one with `agentry token generate`)');
  }
  const repos: Repositories = ctx.repos;
  const now = ctx.now();
  const tenant = { id: newId(), name: 'default', createdAt: now };
  const secret = adminToken ?? generateSecret('opk');
  const token = {
    id: newId(),
    tenantId: tenant.id,
    name: 'bootstrap admin',
    prefix: displayPrefix(secret),
    secretHash: hashSecret(secret),
    role: 'system' as const,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
  };
  const audit = auditEntry(ctx, { tenantId: tenant.id, action: 'tenant.bootstrap', resourceType: 'tenant', resourceId: tenant.id, after: { name: tenant.name, tokenId: token.id } });
  const event = newEvent(ctx, { tenantId: tenant.id, type: 'tenant_created', resourceType: 'tenant', resourceId: tenant.id, data: { name: tenant.name } });
  const created = (await repos.tenants.bootstrap(tenant, token, { audit, events: [event] })).kind === 'done';
  return { created, generatedSecret: created && adminToken === undefined ? secret : null };
}
