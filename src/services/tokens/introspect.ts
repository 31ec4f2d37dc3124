import type { OperatorToken } from '../../domain/operator-token.ts';
import { publicToken } from '../../domain/secrets.ts';
import type { OperatorAuthenticator } from '../auth/operator-authenticator.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';

/** Whether a secret is an active token of the caller's tenant. Other tenants' tokens are reported inactive, not revealed. */
export async function introspectToken({
  ctx,
  input,
  authenticator,
}: {
  ctx: ServiceContext;
  input: { secret: string };
  authenticator: OperatorAuthenticator;
}): Promise<{ active: boolean; token?: OperatorToken }> {
  const principal = requirePrincipal(ctx);
  const found = authenticator.lookup(input.secret);
  const record = found instanceof Promise ? await found : found;
  if (!record || record.tenantId !== principal.tenantId) return { active: false };
  const now = ctx.now();
  const active = !record.revokedAt && !(record.expiresAt && record.expiresAt <= now);
  return active ? { active, token: publicToken(record) } : { active: false };
}
