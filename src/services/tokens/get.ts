import type { OperatorToken } from '../../domain/operator-token.ts';
import { publicToken } from '../../domain/secrets.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

export async function getToken({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<OperatorToken> {
  const principal = requirePrincipal(ctx);
  const token = await ctx.repos.operatorTokens.findById(principal.tenantId, input.id);
  if (!token) throw new NotFoundError('token', input.id);
  return publicToken(token);
}
