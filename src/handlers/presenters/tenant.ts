/** Tenants → contract shape. */
import type { Tenant } from '../../domain/tenant.ts';
import type { Schema } from './schemas.ts';

export function presentTenant(t: Tenant): Schema<'Tenant'> {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString() };
}
