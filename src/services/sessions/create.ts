import type { ConsoleSession } from '../../domain/console-session.ts';
import { auditEntry } from '../audit/entry.ts';
import type { OperatorAuthenticator } from '../auth/operator-authenticator.ts';
import type { OperatorPrincipal, ServiceContext } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { newId } from '../ids.ts';
import { generateSecret, hashSecret } from '../secrets.ts';
import { publicSession } from './public.ts';

export interface CreatedSession {
  session: ConsoleSession;
  principal: OperatorPrincipal;
  /** The cookie's value: handed to the browser once, stored only as a hash. */
  secret: string;
}

/** Opens a console session for an active operator token; it lasts `ttlSeconds`, never past the token's expiry. */
export async function createSession({
  ctx,
  input,
  authenticator,
  ttlSeconds,
}: {
  ctx: ServiceContext;
  input: { token: string };
  authenticator: OperatorAuthenticator;
  ttlSeconds: number;
}): Promise<CreatedSession> {
  const found = authenticator.lookup(input.token.trim());
  const token = found instanceof Promise ? await found : found;
  const now = ctx.now();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) {
    throw new UnauthorizedError('unknown, revoked or expired operator token');
  }
  const ttlEnd = new Date(now.getTime() + ttlSeconds * 1000);
  const expiresAt = token.expiresAt && token.expiresAt < ttlEnd ? token.expiresAt : ttlEnd;
  const secret = generateSecret('ses');
  const record = { id: newId(), tenantId: token.tenantId, tokenId: token.id, secretHash: hashSecret(secret), createdAt: now, lastUsedAt: null, expiresAt, revokedAt: null };
  const principal: OperatorPrincipal = { type: 'operator', tokenId: token.id, tenantId: token.tenantId, role: token.role, name: token.name, sessionId: record.id };
  // Sign-in is unauthenticated: the actor recorded is the token that was presented.
  const facts = { tenantId: token.tenantId, action: 'session.create', resourceType: 'session', resourceId: record.id, after: { tokenId: token.id, expiresAt: expiresAt.toISOString() } };
  const audit = { ...auditEntry(ctx, facts), actorType: 'operator' as const, actorId: token.id };
  await ctx.repos.consoleSessions.create(record, { audit });
  ctx.log.info({ sessionId: record.id, tokenId: token.id }, 'console session opened');
  return { session: publicSession(record), principal, secret };
}
