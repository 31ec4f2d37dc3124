/**
 * The configuration as the server reads it, once loaded and validated (load.ts): one section per concern.
 * What each key means is in README's Configuration table; its JSON Schema is schema.ts, its defaults defaults.ts.
 */
/** SQLite's durability level for commits (see `database.sqliteSynchronous`). */
export type SqliteSynchronous = 'full' | 'normal';

export interface Config {
  server: {
    host: string;
    port: number;
    /** Largest accepted request body; bigger ones get 413. */
    bodyLimitBytes: number;
    /** Handler deadline; long-poll operations are exempt. */
    requestTimeoutMs: number;
    /** How long shutdown waits for in-flight requests before closing anyway. */
    shutdownTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /**
     * The listen queue: connections the kernel holds until the server accepts them (capped by
     * net.core.somaxconn). A fan-out answers thousands of parked polls at once and their agents reconnect
     * together; past the queue, connects are dropped and retried seconds later.
     */
    listenBacklog: number;
    corsOrigins: string[];
    /** Responses at least this large are compressed when the client accepts it. */
    compressionThresholdBytes: number;
    tlsCertFile: string | null;
    tlsKeyFile: string | null;
  };
  database: {
    /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
    url: string;
    poolSize: number;
    busyTimeoutMs: number;
    /**
     * SQLite's `synchronous` pragma. `full` (default): a commit is on disk before it returns, so every 2xx
     * survives a power loss. `normal`: survives a crash of the process, not of the machine (the last commits
     * may be lost although they were answered). Ignored on Postgres.
     */
    sqliteSynchronous: SqliteSynchronous;
    /**
     * SQLite's page cache per connection, in MiB. Pages beyond it are read back from the operating system's
     * file cache (a system call, no disk read), so a small cache costs little CPU and keeps the server's RSS
     * down. Ignored on Postgres.
     */
    sqliteCacheMb: number;
  };
  nats: {
    url: string | null;
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    /** One access log line per request: successful ones at debug, 4xx at info, 5xx at error. */
    requests: boolean;
  };
  auth: {
    /** How long a verified token stays cached in memory. */
    cacheTtlMs: number;
    /** Minimum interval between `lastUsedAt` writes for one token. */
    lastUsedWriteIntervalMs: number;
    /** How long a console session lasts (never past its token's expiry). */
    sessionTtlSeconds: number;
  };
  events: {
    /** Events older than this are deleted. */
    retentionHours: number;
    /** Per tenant, only the newest this many events are kept. */
    retentionMaxPerTenant: number;
    /** How often the retention worker runs. */
    pruneIntervalSec: number;
    /** Comment line sent on an idle event stream, so proxies keep it open. */
    sseHeartbeatSec: number;
  };
  agents: {
    /** Heartbeats update last-seen at most this often per agent (unless the agent comes back online). */
    heartbeatWriteIntervalSec: number;
    /** Silence after which an agent is marked offline. */
    offlineAfterSec: number;
    /** How often the offline detector runs. */
    offlineCheckIntervalSec: number;
    /** How long the previous key keeps working after a rotation. */
    keyRotationGraceSec: number;
    /** How long an unclaimed Smotra registration stays claimable. */
    claimExpiryHours: number;
    /** Poll interval suggested to enrolled agents. */
    pollIntervalSec: number;
    /** Longest a compiled configuration (and a verified key on its route) is kept in memory; events drop them at once. */
    configurationCacheSec: number;
    /**
     * Longest a verified agent key is trusted while this instance may not hear of other instances' revocations
     * (NATS disconnected, or Postgres without NATS); otherwise `configurationCacheSec` bounds it.
     */
    keyCacheFallbackSec: number;
  };
  idempotency: {
    /** How long an Idempotency-Key and its response are kept. */
    ttlHours: number;
    /** A request still "in progress" after this long is presumed dead and its key may be taken over. */
    lockTimeoutSec: number;
    pruneIntervalSec: number;
  };
  ingest: {
    /** Most samples one request may carry (the contract's hard cap is 10000). */
    maxBatchSize: number;
    /** Samples older than this (by their `ts`) are rejected one by one. */
    maxSampleAgeSec: number;
    /** Samples further than this in the future are rejected one by one. */
    maxFutureSkewSec: number;
    /** The batcher writes after this long, or at once when `flushMaxRows` are queued. */
    flushIntervalMs: number;
    /** Rows (samples + snapshots) written per transaction at most. */
    flushMaxRows: number;
    /** Rows queued (not yet committed) before new requests get 503 + Retry-After. */
    maxQueueRows: number;
    /** Retry-After (seconds) answered with a 503. */
    retryAfterSec: number;
    /** JetStream stream (used when NATS is configured). */
    streamName: string;
    /** Messages the stream holds before publishes fail (503) because writers lag behind. */
    streamMaxMessages: number;
    /**
     * Bytes the stream holds before publishes fail (503 + Retry-After): the bound of the backlog the writers
     * may fall behind by (results take ~25 KB per 100), so that a load the database cannot keep up with is
     * pushed back to the agents instead of piling up in the stream. JetStream reserves this much file storage.
     */
    streamMaxBytes: number;
    /** Publishes awaiting a JetStream ack before new requests get 503. */
    maxInFlightPublishes: number;
    /**
     * Requests published together in one JetStream message at most (those that arrive in the same turn of
     * the event loop): one publish and one consumer ack for many. 1 publishes each alone, the format every
     * version reads: use it while instances older than the batch format still consume the stream.
     */
    publishBatchItems: number;
    /** A message delivered to an instance that dies unacked is redelivered after this long. */
    streamAckWaitSec: number;
  };
  telemetry: {
    /** Samples older than this are deleted (whole partitions on Postgres). */
    retentionDays: number;
    /** Most buckets a range query returns. */
    maxPoints: number;
    /** Daily partitions created ahead of time (Postgres). */
    partitionDaysAhead: number;
    /** How often partitions are prepared and retention runs. */
    maintenanceIntervalSec: number;
  };
  inventory: {
    /** Change history older than this is deleted. */
    changeRetentionDays: number;
  };
  results: {
    /** Check results (and their minute rollups) older than this are deleted. */
    retentionDays: number;
    /** How often results retention runs. */
    pruneIntervalSec: number;
  };
  commands: {
    /** Output stored per execution (all streams); past it chunks are counted, not stored, and the execution is marked truncated. */
    maxOutputBytes: number;
    /** Output bytes (chunk data, UTF-8) one upload may carry; more is a 413 and nothing of it is stored. */
    maxUploadBytes: number;
    /** How often the expiry worker moves executions past their TTL to `expired`. */
    expiryCheckIntervalSec: number;
  };
  /** Token buckets kept in memory by each instance (see README, "Rate limits"). */
  rateLimits: {
    enabled: boolean;
    /** Peers (IPs or CIDR ranges) whose X-Forwarded-For is believed. */
    trustedProxies: string[];
    /** Every request, per client IP, before authentication. */
    ipRatePerSec: number;
    ipBurst: number;
    /** Operations of class `unauthenticated`, and callers without credentials, per client IP. */
    unauthenticatedRatePerSec: number;
    unauthenticatedBurst: number;
    /** Class `agent`, per agent. */
    agentRatePerSec: number;
    agentBurst: number;
    /** Class `operator`, per operator token. */
    operatorRatePerSec: number;
    operatorBurst: number;
    /** Class `admin`, per operator token. */
    adminRatePerSec: number;
    adminBurst: number;
    /** Buckets kept per class; the least recently used are dropped beyond this. */
    maxTrackedClients: number;
  };
}
