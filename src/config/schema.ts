/**
 * The configuration's JSON Schema: validation of the file and the environment (load.ts), the types of
 * environment overrides (every leaf can be overridden by AGENTRY_<SECTION>_<KEY>, see env.ts).
 */
const nullableString = { type: ['string', 'null'], minLength: 1 };
const positiveInt = { type: 'integer', minimum: 1 };
const ratePerSec = { type: 'number', exclusiveMinimum: 0 };

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
        requestTimeoutMs: positiveInt,
        shutdownTimeoutMs: positiveInt,
        keepAliveTimeoutMs: positiveInt,
        listenBacklog: { type: 'integer', minimum: 1, maximum: 65535 },
        corsOrigins: { type: 'array', items: { type: 'string', minLength: 1 } },
        compressionThresholdBytes: { type: 'integer', minimum: 0 },
        tlsCertFile: nullableString,
        tlsKeyFile: nullableString,
      },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^(sqlite:.+|postgres(ql)?://.+)$' },
        poolSize: { type: 'integer', minimum: 1, maximum: 1000 },
        busyTimeoutMs: { type: 'integer', minimum: 0 },
        sqliteSynchronous: { type: 'string', enum: ['full', 'normal'] },
        sqliteCacheMb: { type: 'integer', minimum: 1, maximum: 65536 },
      },
    },
    nats: {
      type: 'object',
      additionalProperties: false,
      properties: { url: { type: ['string', 'null'], pattern: '^(nats|tls|wss?)://.+' } },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
        requests: { type: 'boolean' },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: { cacheTtlMs: { type: 'integer', minimum: 0 }, lastUsedWriteIntervalMs: { type: 'integer', minimum: 0 }, sessionTtlSeconds: { type: 'integer', minimum: 1 } },
    },
    commands: {
      type: 'object',
      additionalProperties: false,
      properties: { maxOutputBytes: positiveInt, maxUploadBytes: positiveInt, expiryCheckIntervalSec: positiveInt },
    },
    events: {
      type: 'object',
      additionalProperties: false,
      properties: { retentionHours: positiveInt, retentionMaxPerTenant: positiveInt, pruneIntervalSec: positiveInt, sseHeartbeatSec: positiveInt },
    },
    agents: {
      type: 'object',
      additionalProperties: false,
      properties: {
        heartbeatWriteIntervalSec: { type: 'integer', minimum: 0 },
        offlineAfterSec: positiveInt,
        offlineCheckIntervalSec: positiveInt,
        keyRotationGraceSec: { type: 'integer', minimum: 0 },
        claimExpiryHours: positiveInt,
        pollIntervalSec: positiveInt,
        configurationCacheSec: positiveInt,
        keyCacheFallbackSec: positiveInt,
      },
    },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      properties: { ttlHours: positiveInt, lockTimeoutSec: positiveInt, pruneIntervalSec: positiveInt },
    },
    ingest: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxBatchSize: { type: 'integer', minimum: 1, maximum: 10_000 },
        maxSampleAgeSec: positiveInt,
        maxFutureSkewSec: { type: 'integer', minimum: 0 },
        flushIntervalMs: { type: 'integer', minimum: 0, maximum: 1000 },
        flushMaxRows: { type: 'integer', minimum: 1, maximum: 100_000 },
        maxQueueRows: { type: 'integer', minimum: 100 },
        retryAfterSec: positiveInt,
        streamName: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
        streamMaxMessages: { type: 'integer', minimum: 1000 },
        streamMaxBytes: { type: 'integer', minimum: 1024 * 1024 },
        maxInFlightPublishes: positiveInt,
        publishBatchItems: positiveInt,
        streamAckWaitSec: { type: 'integer', minimum: 1, maximum: 3600 },
      },
    },
    telemetry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        retentionDays: positiveInt,
        maxPoints: { type: 'integer', minimum: 10, maximum: 100_000 },
        partitionDaysAhead: { type: 'integer', minimum: 1, maximum: 60 },
        maintenanceIntervalSec: positiveInt,
      },
    },
    inventory: {
      type: 'object',
      additionalProperties: false,
      properties: { changeRetentionDays: positiveInt },
    },
    results: {
      type: 'object',
      additionalProperties: false,
      properties: { retentionDays: positiveInt, pruneIntervalSec: positiveInt },
    },
    rateLimits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        trustedProxies: { type: 'array', items: { type: 'string', minLength: 1 } },
        ipRatePerSec: ratePerSec,
        ipBurst: positiveInt,
        unauthenticatedRatePerSec: ratePerSec,
        unauthenticatedBurst: positiveInt,
        agentRatePerSec: ratePerSec,
        agentBurst: positiveInt,
        operatorRatePerSec: ratePerSec,
        operatorBurst: positiveInt,
        adminRatePerSec: ratePerSec,
        adminBurst: positiveInt,
        maxTrackedClients: { type: 'integer', minimum: 100 },
      },
    },
  },
} as const;
