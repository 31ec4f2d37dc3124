import type { Tenant } from '../../domain/tenant.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import type { ServiceContext } from '../context.ts';
import { NameTakenError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';
import { requireSystem } from './system-only.ts';

/**
 * Creates an empty tenant (system principals only). Its own audit log and event feed start with its
 * creation; the audit row names the system token that made it. A taken name is a NameTakenError.
 */
export async function createTenant({ ctx, input }: { ctx: ServiceContext; input: { name: string } }): Promise<Tenant> {
  requireSystem(ctx);
  const tenant: Tenant = { id: newId(), name: input.name, createdAt: ctx.now() };
  const audit = auditEntry(ctx, { tenantId: tenant.id, action: 'tenant.create', resourceType: 'tenant', resourceId: tenant.id, after: snapshot(tenant) });
  const event = newEvent(ctx, { tenantId: tenant.id, type: 'tenant_created', resourceType: 'tenant', resourceId: tenant.id, data: { name: tenant.name } });
  const outcome = await ctx.repos.tenants.create(tenant, { audit, events: [event] });
  if (outcome.kind === 'name_taken') throw new NameTakenError('tenant', tenant.name);
  ctx.log.info({ tenantId: tenant.id, name: tenant.name }, 'tenant created');
  return tenant;
}
