import type { ConsoleSession } from '../../domain/console-session.ts';
import { requireOperator, type OperatorPrincipal, type ServiceContext } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { publicSession } from './public.ts';

/** The caller's own session (only callers that came with the session cookie have one). */
export async function getCurrentSession({ ctx }: { ctx: ServiceContext }): Promise<{ session: ConsoleSession; principal: OperatorPrincipal }> {
  const principal = requireOperator(ctx);
  const found = principal.sessionId ? await ctx.repos.consoleSessions.findById(principal.tenantId, principal.sessionId) : null;
  if (!found) throw new UnauthorizedError('no console session; sign in');
  return { session: publicSession(found), principal };
}
