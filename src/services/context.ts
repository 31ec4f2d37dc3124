/** What every service action receives besides its input. Built per request by the HTTP layer (or by the CLI). */
import type { Logger } from '../observability/logger.ts';
import type { Repositories, Role } from '../repositories/types.ts';

export interface OperatorPrincipal {
  type: 'operator';
  tokenId: string;
  tenantId: string;
  role: Role;
  name: string;
}

export type Principal = OperatorPrincipal;

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
