import type { OperatorToken, Role } from '../../domain/operator-token.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { issueToken } from './issue.ts';

export interface CreateTokenInput {
  name: string;
  role: Exclude<Role, 'system'>;
  expiresAt?: Date;
}

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, system: 3 };

/** Creates an operator token in the caller's tenant, never with more power than the caller has. */
export async function createToken({ ctx, input }: { ctx: ServiceContext; input: CreateTokenInput }): Promise<{ token: OperatorToken; secret: string }> {
  const principal = requireOperator(ctx);
  if (rank[input.role] > rank[principal.role]) throw new ForbiddenError(`a ${principal.role} cannot create a ${input.role} token`);
  if (input.expiresAt && input.expiresAt <= ctx.now()) {
    throw new ValidationError('expiresAt must lie in the future', [{ path: 'body/expiresAt', message: 'must lie in the future' }]);
  }
  return issueToken(ctx, { tenantId: principal.tenantId, ...input });
}
