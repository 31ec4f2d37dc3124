/** Builds the service context for a request. */
import type { Context } from 'hono';
import type { Repositories } from '../repositories/types.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from '../http/env.ts';
import { requestLog } from '../http/request-context.ts';

export function serviceContext(c: Context<AppEnv>, repos: Repositories): ServiceContext {
  return {
    // A getter: the request's logger is only made if the service logs.
    get log() {
      return requestLog(c);
    },
    repos,
    requestId: c.get('requestId') ?? null,
    ip: c.get('clientIp') ?? null,
    principal: c.get('principal') ?? null,
    now: () => new Date(),
  };
}
