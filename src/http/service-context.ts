/** The service context of a request, built once by the route and handed to the handler. */
import type { Context } from 'hono';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Principal, ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';
import { requestLog } from './request-context.ts';

/**
 * A class rather than an object literal: the logger is a getter (the request's logger is only made if the
 * service logs), and a literal with a getter is built through V8's slow path on every request.
 */
export class RequestServiceContext implements ServiceContext {
  readonly repos: Repositories;
  readonly requestId: string | null;
  readonly ip: string | null;
  readonly principal: Principal | null;
  private readonly c: Context<AppEnv>;

  constructor(c: Context<AppEnv>, repos: Repositories, principal: Principal | null) {
    this.c = c;
    this.repos = repos;
    this.requestId = c.get('requestId') ?? null;
    this.ip = c.get('clientIp') ?? null;
    this.principal = principal;
  }

  get log(): Logger {
    return requestLog(this.c);
  }

  now(): Date {
    return new Date();
  }
}
