/**
 * Authentication and role checks driven by the operation table: the operation's security schemes say
 * which credentials are accepted, `x-roles` which operator roles may call (`system` may call everything).
 * Agent keys come raw in `X-Agent-API-Key` (as the Smotra agent sends them) or as a Bearer token, and
 * reach only `/agent/{their own id}/…`. The console's session cookie stands for an operator token on
 * operations that accept `sessionCookie`, on same-origin requests only (same-origin.ts).
 */
import type { Context } from 'hono';
import type { OperationDescriptor } from '../../generated/operations.ts';
import type { AgentAuthenticator, AuthenticatedAgent } from '../services/auth/agent-authenticator.ts';
import type { OperatorAuthenticator } from '../services/auth/operator-authenticator.ts';
import type { SessionAuthenticator } from '../services/auth/session-authenticator.ts';
import type { OperatorPrincipal, Principal } from '../services/context.ts';
import { ForbiddenError, UnauthorizedError } from '../services/errors.ts';
import type { AppEnv } from './env.ts';
import { requestHeader } from './headers.ts';
import { crossOriginReason, sessionCookie } from './same-origin.ts';

export interface Authenticators {
  operator: OperatorAuthenticator;
  agent: AgentAuthenticator;
  session: SessionAuthenticator;
}

/** The caller, or a rejection. Operator tokens found in the cache answer synchronously, without a promise. */
export function authenticate(c: Context<AppEnv>, op: OperationDescriptor, auth: Authenticators): Principal | null | Promise<Principal | null> {
  if (op.security.length === 0) return null;
  const accepted = op.security.flat();
  const agentHeader = accepted.includes('agentKeyHeader') ? requestHeader(c, 'x-agent-api-key') : undefined;
  if (agentHeader !== undefined) return agentPrincipal(c, op, auth, agentHeader.trim());
  const header = requestHeader(c, 'authorization');
  if (header === undefined && accepted.includes('sessionCookie')) {
    const cookie = sessionCookie(c);
    if (cookie !== undefined) return sessionPrincipal(c, op, auth, cookie);
  }
  if (header === undefined) {
    if (op.authOptional) return null;
    throw new UnauthorizedError(missingCredential(accepted));
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  const token = match[1]!;
  if (token.startsWith('agk_') && accepted.includes('agentKeyBearer')) return agentPrincipal(c, op, auth, token);
  if (!accepted.includes('operatorToken')) throw new UnauthorizedError(missingCredential(accepted));
  const principal = auth.operator.authenticate(token);
  return principal instanceof Promise ? principal.then((p) => authorizeOperator(op, p)) : authorizeOperator(op, principal);
}

function missingCredential(accepted: string[]): string {
  if (accepted.includes('operatorToken')) return 'send a token in Authorization: Bearer';
  if (accepted.includes('sessionCookie')) return 'sign in to the console: this operation takes the console session cookie';
  return 'send the agent key in X-Agent-API-Key or Authorization: Bearer';
}

/** A console session, same-origin only; a stale cookie on an operation that needs no credentials counts as none. */
function sessionPrincipal(c: Context<AppEnv>, op: OperationDescriptor, auth: Authenticators, cookie: string): Promise<Principal | null> {
  const refused = crossOriginReason(c);
  if (refused !== null) throw new ForbiddenError(refused);
  const principal = auth.session.authenticate(cookie).then((p) => authorizeOperator(op, p));
  return op.authOptional ? principal.catch((err: unknown) => (err instanceof UnauthorizedError ? null : Promise.reject(err))) : principal;
}

/** Agent keys are verified from memory when they can be (synchronously), on every agent operation. */
function agentPrincipal(c: Context<AppEnv>, op: OperationDescriptor, auth: Authenticators, key: string): Principal | Promise<Principal> {
  const agent = auth.agent.authenticateCached(key);
  return agent instanceof Promise ? agent.then((a) => authorizeAgent(c, op, a)) : authorizeAgent(c, op, agent);
}

function authorizeOperator(op: OperationDescriptor, principal: OperatorPrincipal): OperatorPrincipal {
  if (op.roles.length > 0 && principal.role !== 'system' && !(op.roles as readonly string[]).includes(principal.role)) {
    throw new ForbiddenError(`role ${principal.role} may not call ${op.operationId} (needs ${op.roles.join(' or ')})`);
  }
  return principal;
}

function authorizeAgent(c: Context<AppEnv>, op: OperationDescriptor, agent: AuthenticatedAgent): Principal {
  const pathAgentId = c.req.param('agentId');
  // Authentication runs before validation: compared in canonical (lower) case, an upper-case id of the
  // agent's own gets the validator's 400 rather than a 403. Validated ids are canonical (see routes.ts).
  if (pathAgentId !== undefined && pathAgentId.toLowerCase() !== agent.principal.agentId) {
    throw new ForbiddenError(`this key belongs to another agent; it may only call /agent/${agent.principal.agentId}/…`);
  }
  if (pathAgentId === undefined) throw new ForbiddenError(`agent keys may not call ${op.operationId}`);
  c.set('agent', agent);
  return agent.principal;
}
