/** Builds the service context for a request. */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Repositories } from '../repositories/types.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from '../http/env.ts';

export function serviceContext(c: Context<AppEnv>, repos: Repositories): ServiceContext {
  return {
    log: c.get('log'),
    repos,
    requestId: c.get('requestId') ?? null,
    ip: clientIp(c),
    principal: c.get('principal') ?? null,
    now: () => new Date(),
  };
}

function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // in-process requests (app.request) have no socket
  }
}
