/**
 * Authentication and role checks driven by the operation table: the operation's security schemes say
 * which credentials are accepted, `x-roles` which operator roles may call. `system` may call everything.
 */
import type { Context } from 'hono';
import type { OperationDescriptor } from '../../generated/operations.ts';
import type { OperatorAuthenticator } from '../services/auth/operator-authenticator.ts';
import type { Principal } from '../services/context.ts';
import { ForbiddenError, UnauthorizedError } from '../services/errors.ts';

export interface Authenticators {
  operator: OperatorAuthenticator;
}

export async function authenticate(c: Context, op: OperationDescriptor, auth: Authenticators): Promise<Principal | null> {
  if (op.security.length === 0) return null;
  const header = c.req.header('authorization');
  if (header === undefined) {
    if (op.authOptional) return null;
    throw new UnauthorizedError('send a token in Authorization: Bearer');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  const accepted = op.security.flat();
  if (!accepted.includes('operatorToken')) throw new UnauthorizedError('this operation does not accept operator tokens');
  const principal = await auth.operator.authenticate(match[1]!);
  authorize(op, principal);
  return principal;
}

function authorize(op: OperationDescriptor, principal: Principal): void {
  if (op.roles.length === 0 || principal.role === 'system') return;
  if (!(op.roles as readonly string[]).includes(principal.role)) {
    throw new ForbiddenError(`role ${principal.role} may not call ${op.operationId} (needs ${op.roles.join(' or ')})`);
  }
}
