import type { OperatorToken } from '../../domain/operator-token.ts';
import type { ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { requireSystem } from '../tenants/system-only.ts';
import type { CreateTokenInput } from './create.ts';
import { issueToken } from './issue.ts';

/**
 * Creates an operator token in any tenant (system principals only): how a tenant made over the API gets
 * its first admin. A missing tenant is a NotFoundError. The audit row and event land in that tenant, with
 * the system token as actor, like `createTenant`'s.
 */
export async function createTokenInTenant({ ctx, input }: { ctx: ServiceContext; input: CreateTokenInput & { tenantId: string } }): Promise<{ token: OperatorToken; secret: string }> {
  requireSystem(ctx);
  if (input.expiresAt && input.expiresAt <= ctx.now()) {
    throw new ValidationError('expiresAt must lie in the future', [{ path: 'body/expiresAt', message: 'must lie in the future' }]);
  }
  const tenant = await ctx.repos.tenants.findById(input.tenantId);
  if (!tenant) throw new NotFoundError('tenant', input.tenantId);
  return issueToken(ctx, { tenantId: tenant.id, name: input.name, role: input.role, expiresAt: input.expiresAt });
}
