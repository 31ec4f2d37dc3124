/** What handlers may use. No SQL: repositories reach handlers only to be passed into service contexts. */
import type { Config } from '../config/types.ts';
import type { Contract } from '../http/contract.ts';
import type { RateLimiter } from '../http/rate-limit/limiter.ts';
import type { FeatureMetrics } from '../observability/feature-metrics.ts';
import type { IngestMetrics } from '../observability/ingest-metrics.ts';
import type { IngestSink } from '../services/ingest/sink.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Repositories } from '../repositories/types.ts';
import type { OperatorAuthenticator } from '../services/auth/operator-authenticator.ts';
import type { ConfigurationRuntime } from '../services/configuration/runtime.ts';
import type { EventFeed } from '../services/events/feed.ts';
import type { Check } from '../observability/readiness.ts';
import type { CommandWakeups } from '../services/commands/wakeups.ts';

export interface HandlerDeps {
  config: Config;
  contract: Contract;
  repos: Repositories;
  metrics: Metrics;
  authenticator: OperatorAuthenticator;
  readinessChecks: Record<string, Check>;
  serverVersion: string;
  /** null when rate limiting is off. */
  rateLimiter: RateLimiter | null;
  feed: EventFeed;
  /** Compiled agent configurations and verified keys kept in memory, invalidated through the feed. */
  configuration: ConfigurationRuntime;
  featureMetrics: FeatureMetrics;
  /** The ingestion pipeline: batcher (database) or JetStream. */
  ingest: { sink: IngestSink; metrics: IngestMetrics };
  /** Aborted when the server begins to shut down: long-lived responses end. */
  shutdown: AbortSignal;
}

/** What several tag modules share, built once by `createHandlers`. */
export interface SharedHandlerParts {
  /** The command polls parked on this instance: agent-api parks and wakes them, a command submit may answer them. */
  commandWakeups: CommandWakeups;
}
