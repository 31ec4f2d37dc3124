/** Builds the service context for a request. */
import type { Context } from 'hono';
import type { Repositories } from '../repositories/types.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from '../http/env.ts';

export function serviceContext(c: Context<AppEnv>, repos: Repositories): ServiceContext {
  return {
    log: c.get('log'),
    repos,
    requestId: c.get('requestId') ?? null,
    ip: c.get('clientIp') ?? null,
    principal: c.get('principal') ?? null,
    now: () => new Date(),
  };
}
