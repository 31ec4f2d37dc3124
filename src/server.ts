/**
 * The composition root: opens storage, bootstraps, connects NATS, builds the app, listens, and shuts
 * down gracefully (stop accepting, drain in-flight requests up to a deadline, close pools).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config/types.ts';
import { ConfigError } from './config/load.ts';
import { checkRuntime } from './config/preflight.ts';
import { loadContract } from './http/contract.ts';
import { closeReleasedConnections } from './http/parked-connection.ts';
import { RateLimiter } from './http/rate-limit/limiter.ts';
import type { AppEnv } from './http/env.ts';
import { connectNats, type Messaging } from './messaging/nats.ts';
import type { Logger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { openRepositories } from './repositories/index.ts';
import type { Repositories } from './repositories/types.ts';
import { OperatorAuthenticator } from './services/auth/operator-authenticator.ts';
import { bootstrap } from './services/bootstrap.ts';
import type { Check } from './observability/readiness.ts';
import { serverVersion } from './version.ts';
import { randomUUID } from 'node:crypto';
import { startEventFanout } from './messaging/event-fanout.ts';
import { registerFeatureMetrics } from './observability/feature-metrics.ts';
import { registerReadinessMetrics } from './observability/readiness-metrics.ts';
import { AgentPresence } from './observability/agent-presence.ts';
import { registerStorageMetrics } from './observability/storage-metrics.ts';
import { ConfigurationRuntime } from './services/configuration/runtime.ts';
import { EventFeed } from './services/events/feed.ts';
import { eventRetentionJob } from './workers/event-retention.ts';
import { idempotencyCleanupJob } from './workers/idempotency-cleanup.ts';
import { offlineDetectionJob } from './workers/offline-detection.ts';
import { commandExpiryJob } from './workers/command-expiry.ts';
import { prepareTelemetryStorage, telemetryMaintenanceJob } from './workers/telemetry-maintenance.ts';
import { resultRetentionJob } from './workers/result-retention.ts';
import { startIngestPipeline } from './ingest-pipeline.ts';
import { WorkerRunner } from './workers/runner.ts';

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
    registerStorageMetrics(metrics.registry, () => repos.telemetry.storageStats());
    const readinessChecks: Record<string, Check> = { database: () => repos.ping() };
    if (messaging) readinessChecks.nats = () => messaging!.ping();
    registerReadinessMetrics(metrics.registry, readinessChecks);
    const authenticator = new OperatorAuthenticator(repos, logger, config.auth);
    const rateLimiter = config.rateLimits.enabled ? new RateLimiter(config.rateLimits, metrics) : null;
    await prepareTelemetryStorage(repos, config.telemetry, logger);
    const ingest = await startIngestPipeline(config.ingest, repos, messaging, metrics.registry, logger, config.database.poolSize);
    const background = startBackground(config, repos, metrics, messaging, logger);
    const { feed, featureMetrics, shutdown } = background;
    await background.presence.start();
    // Other instances' commits reach this one through NATS while it is connected; without NATS, SQLite has
    // no other instance to hear of, while Postgres may (instances sharing it): keys are then trusted briefly.
    const nats = messaging;
    const configuration = new ConfigurationRuntime({
      maxAgeSec: config.agents.configurationCacheSec,
      keyFallbackSec: config.agents.keyCacheFallbackSec,
      invalidationsArrive: nats ? () => nats.connected() : () => repos.dialect === 'sqlite',
    });
    feed.onCommit((c) => configuration.observe(c));
    nats?.onReconnect(() => configuration.invalidateAll());
    const app = createApp({
      config,
      contract,
      repos,
      metrics,
      authenticator,
      readinessChecks,
      serverVersion,
      rateLimiter,
      feed,
      configuration,
      featureMetrics,
      ingest,
      shutdown: shutdown.signal,
      logger,
      handlerOverrides: options.handlerOverrides,
    });
    /** Ends long-lived responses and background work, writes what ingestion queued, then closes NATS and the database. */
    const dispose = async () => {
      await background.stop();
      await ingest.sink.close();
      await messaging?.close();
      await repos.close();
    };
    return { app, repos, metrics, messaging, feed, dispose, beginShutdown: () => background.beginShutdown() };
  } catch (err) {
    await messaging?.close();
    await repos.close();
    throw err;
  }
}

/** Agents' presence counts: changed tenants recounted within a second, every tenant every 5 minutes. */
const PRESENCE_RECOUNT = { recountDelayMs: 1000, fullRecountMs: 300_000 };

/** The event feed (with its NATS fan-out), the presence gauges and the periodic workers. */
function startBackground(config: Config, repos: Repositories, metrics: Metrics, messaging: Messaging | undefined, logger: Logger) {
  const shutdown = new AbortController();
  let feedRef: EventFeed | undefined;
  const featureMetrics = registerFeatureMetrics(metrics.registry, () => feedRef);
  const feed = new EventFeed(repos, { published: (n) => featureMetrics.eventsPublished.inc(n) });
  feedRef = feed;
  const fanout = messaging ? startEventFanout(messaging.connection, randomUUID(), (c) => feed.remoteCommitted(c), logger) : undefined;
  if (fanout) feed.forwardTo((committed) => fanout.publish(committed));
  const presence = new AgentPresence(metrics.registry, (tenantIds) => repos.agents.countByPresence(tenantIds), PRESENCE_RECOUNT, logger);
  feed.onCommit((c) => presence.observe(c));
  const workers = new WorkerRunner(logger);
  workers.start(eventRetentionJob(repos, config.events, logger));
  workers.start(idempotencyCleanupJob(repos, config.idempotency, logger));
  workers.start(offlineDetectionJob(repos, config.agents, logger));
  workers.start(commandExpiryJob(repos, config.commands, logger));
  workers.start(telemetryMaintenanceJob(repos, config, logger));
  workers.start(resultRetentionJob(repos, config.results, logger));
  const beginShutdown = () => {
    shutdown.abort();
    feed.close();
  };
  return {
    feed,
    featureMetrics,
    presence,
    shutdown,
    beginShutdown,
    async stop() {
      beginShutdown();
      fanout?.close();
      await presence.stop();
      await workers.stop();
    },
  };
}

export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  checkRuntime(config);
  const { app, repos, metrics, messaging, dispose, beginShutdown } = await buildApp(config, options);
  const tls = config.server.tlsCertFile && config.server.tlsKeyFile;
  const server: ServerType = await new Promise<ServerType>((resolve, reject) => {
    const s = createAdaptorServer({
      fetch: app.fetch,
      hostname: config.server.host,
      ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: readFileSync(config.server.tlsCertFile!), key: readFileSync(config.server.tlsKeyFile!) } } : {}),
    });
    s.once('error', reject);
    // As @hono/node-server's serve(), with the listen queue it does not pass.
    s.listen({ port: config.server.port, host: config.server.host, backlog: config.server.listenBacklog }, () => resolve(s));
  }).catch(async (err: unknown) => {
    await dispose();
    throw listenError(config.server, err);
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
      // Long polls answer now and event streams end, so that they do not hold the drain up.
      beginShutdown();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ timeoutMs: config.server.shutdownTimeoutMs }, 'shutdown deadline reached; closing remaining connections');
          httpServer.closeAllConnections();
          closeReleasedConnections(httpServer);
        }, config.server.shutdownTimeoutMs);
        // Keep-alive connections become idle as their last response ends; close them as they do.
        const sweeper = setInterval(() => httpServer.closeIdleConnections(), 50);
        httpServer.close(() => {
          clearTimeout(timer);
          clearInterval(sweeper);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
      await dispose();
      logger.info('shutdown complete');
    })());
  return { app, url, port, repos, metrics, close };
}

/** The port cannot be had: a configuration problem, named as such. */
function listenError(server: Config['server'], err: unknown): unknown {
  const code = (err as { code?: string }).code;
  const where = `${server.host}:${server.port}`;
  if (code === 'EADDRINUSE') return new ConfigError(`configuration cannot work on this machine:\n  server.port: ${where} is already in use`);
  if (code === 'EACCES')
    return new ConfigError(`configuration cannot work on this machine:\n  server.port: ${where}: permission denied (ports below 1024 need privileges a non-root user does not have; use 8080)`);
  if (code === 'EADDRNOTAVAIL') return new ConfigError(`configuration cannot work on this machine:\n  server.host: ${server.host} is not an address of this machine`);
  return err;
}

function printOnce(secret: string): void {
  process.stdout.write(`\n  Bootstrap admin token (shown once; store it now):\n\n    ${secret}\n\n  Use it as: Authorization: Bearer <token>\n\n`);
}
