/** What every service action receives besides its input. Built per request by the HTTP layer (or by the CLI). */
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Role } from '../domain/operator-token.ts';

export interface OperatorPrincipal {
  type: 'operator';
  tokenId: string;
  tenantId: string;
  role: Role;
  name: string;
  /** Set when the caller came with a console session cookie rather than the token itself. */
  sessionId?: string;
}

/** An agent authenticated by its key; it may only reach `/agent/{its own id}/…`. */
export interface AgentPrincipal {
  type: 'agent';
  agentId: string;
  tenantId: string;
}

export type Principal = OperatorPrincipal | AgentPrincipal;

/** The id recorded as actor: the operator token's or the agent's. */
export const principalId = (p: Principal): string => (p.type === 'operator' ? p.tokenId : p.agentId);

export interface ServiceContext {
  log: Logger;
  repos: Repositories;
  requestId: string | null;
  ip: string | null;
  principal: Principal | null;
  now: () => Date;
}

/** For actions that need a caller: the HTTP layer guarantees one on authenticated operations. */
export function requirePrincipal(ctx: ServiceContext): Principal {
  if (!ctx.principal) throw new Error('service called without a principal on an authenticated operation');
  return ctx.principal;
}

export function requireOperator(ctx: ServiceContext): OperatorPrincipal {
  const p = requirePrincipal(ctx);
  if (p.type !== 'operator') throw new Error('operator action called by an agent');
  return p;
}

export function requireAgent(ctx: ServiceContext): AgentPrincipal {
  const p = requirePrincipal(ctx);
  if (p.type !== 'agent') throw new Error('agent action called by an operator');
  return p;
}
