import { requirePrincipal, type ServiceContext } from '../context.ts';
import { ForbiddenError } from '../errors.ts';

/** Tenants are managed by system tokens only (the contract's `x-roles` says so too; this keeps the service honest on its own). */
export function requireSystem(ctx: ServiceContext): void {
  const principal = requirePrincipal(ctx);
  if (principal.type !== 'operator' || principal.role !== 'system') throw new ForbiddenError('only system tokens manage tenants');
}
