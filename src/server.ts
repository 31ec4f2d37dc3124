/**
 * The composition root: opens storage, bootstraps, connects NATS, builds the app, listens, and shuts
 * down gracefully (stop accepting, drain in-flight requests up to a deadline, close pools).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config/schema.ts';
import { loadContract } from './http/contract.ts';
import type { AppEnv } from './http/env.ts';
import { connectNats, type Messaging } from './messaging/nats.ts';
import type { Logger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { openRepositories } from './repositories/index.ts';
import type { Repositories } from './repositories/types.ts';
import { OperatorAuthenticator } from './services/auth/operator-authenticator.ts';
import { bootstrap } from './services/bootstrap.ts';
import type { Check } from './services/system/readiness.ts';
import { serverVersion } from './version.ts';

export interface StartOptions {
  logger: Logger;
  /** AGENTRY_ADMIN_TOKEN: the first system token, instead of a generated one. */
  adminToken?: string;
  /** Where to print a generated admin token (once). Defaults to stdout. */
  announce?: (text: string) => void;
  handlerOverrides?: AppDeps['handlerOverrides'];
}

export interface RunningServer {
  app: Hono<AppEnv>;
  url: string;
  port: number;
  repos: Repositories;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function buildApp(config: Config, options: StartOptions) {
  const { logger } = options;
  const repos = await openRepositories(config.database);
  let messaging: Messaging | undefined;
  try {
    const contract = await loadContract();
    const result = await bootstrap({ ctx: { log: logger, repos, requestId: null, ip: null, principal: null, now: () => new Date() }, adminToken: options.adminToken });
    if (result.created) logger.info('created the default tenant and the bootstrap admin token');
    if (result.generatedSecret) (options.announce ?? printOnce)(result.generatedSecret);
    if (config.nats.url) messaging = await connectNats(config.nats.url, logger);
    const metrics = new Metrics(() => repos.poolStats());
    const readinessChecks: Record<string, Check> = { database: () => repos.ping() };
    if (messaging) readinessChecks.nats = () => messaging!.ping();
    const authenticator = new OperatorAuthenticator(repos, logger, config.auth);
    const app = createApp({ config, contract, repos, metrics, authenticator, readinessChecks, serverVersion, logger, handlerOverrides: options.handlerOverrides });
    return { app, repos, metrics, messaging };
  } catch (err) {
    await messaging?.close();
    await repos.close();
    throw err;
  }
}

export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  const { app, repos, metrics, messaging } = await buildApp(config, options);
  const tls = config.server.tlsCertFile && config.server.tlsKeyFile;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.server.port,
        hostname: config.server.host,
        ...(tls
          ? { createServer: createHttpsServer, serverOptions: { cert: readFileSync(config.server.tlsCertFile!), key: readFileSync(config.server.tlsKeyFile!) } }
          : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const httpServer = server as import('node:http').Server;
  httpServer.keepAliveTimeout = config.server.keepAliveTimeoutMs;
  httpServer.headersTimeout = Math.min(60_000, config.server.keepAliveTimeoutMs + 5_000);
  httpServer.requestTimeout = Math.max(config.server.requestTimeoutMs * 2, 120_000);
  const port = (httpServer.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  logger.info({ url, database: repos.dialect, nats: Boolean(messaging) }, 'agentry listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: no new connections, draining in-flight requests');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ timeoutMs: config.server.shutdownTimeoutMs }, 'shutdown deadline reached; closing remaining connections');
          httpServer.closeAllConnections();
        }, config.server.shutdownTimeoutMs);
        httpServer.close(() => {
          clearTimeout(timer);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
      await messaging?.close();
      await repos.close();
      logger.info('shutdown complete');
    })());
  return { app, url, port, repos, metrics, close };
}

function printOnce(secret: string): void {
  process.stdout.write(
    `\n  Bootstrap admin token (shown once; store it now):\n\n    ${secret}\n\n  Use it as: Authorization: Bearer <token>\n\n`,
  );
}
