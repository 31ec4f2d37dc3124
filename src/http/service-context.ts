/** The service context of a request, built once by the route and handed to the handler. */
import type { Context } from 'hono';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Principal, ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';

/**
 * A class rather than an object literal: the logger is a getter (the request's logger is only made if the
 * service logs), and a literal with a getter is built through V8's slow path on every request. It does not
 * hold the Hono context: a detached long answer (a parked poll) keeps its service context, not the request's.
 */
export class RequestServiceContext implements ServiceContext {
  readonly repos: Repositories;
  readonly requestId: string | null;
  readonly ip: string | null;
  readonly principal: Principal | null;
  private readonly baseLogger: Logger;
  private childLog: Logger | undefined;

  constructor(c: Context<AppEnv>, repos: Repositories, principal: Principal | null) {
    this.repos = repos;
    this.requestId = c.get('requestId') ?? null;
    this.ip = c.get('clientIp') ?? null;
    this.principal = principal;
    this.baseLogger = c.get('baseLogger');
    // The request's logger when something (authentication) has made it already.
    this.childLog = c.get('log');
  }

  get log(): Logger {
    this.childLog ??= this.baseLogger.child({ requestId: this.requestId });
    return this.childLog;
  }

  now(): Date {
    return new Date();
  }
}
