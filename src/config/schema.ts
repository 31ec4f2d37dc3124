/**
 * The configuration: its JSON Schema (validation, env override types, docs) and its defaults.
 * Every leaf can be overridden by AGENTRY_<SECTION>_<KEY> (see env.ts).
 */
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
  };
  nats: {
    url: string | null;
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    /** One access log line per request. */
    requests: boolean;
  };
  auth: {
    /** How long a verified token stays cached in memory. */
    cacheTtlMs: number;
    /** Minimum interval between `lastUsedAt` writes for one token. */
    lastUsedWriteIntervalMs: number;
  };
}

export const defaultConfig: Config = {
  server: {
    host: '0.0.0.0',
    port: 8080,
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 30_000,
    shutdownTimeoutMs: 10_000,
    keepAliveTimeoutMs: 65_000,
    corsOrigins: [],
    compressionThresholdBytes: 1024,
    tlsCertFile: null,
    tlsKeyFile: null,
  },
  database: { url: 'sqlite:./data/agentry.db', poolSize: 10, busyTimeoutMs: 5000 },
  nats: { url: null },
  log: { level: 'info', requests: true },
  auth: { cacheTtlMs: 10_000, lastUsedWriteIntervalMs: 60_000 },
};

const nullableString = { type: ['string', 'null'], minLength: 1 };
const positiveInt = { type: 'integer', minimum: 1 };

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
      properties: { cacheTtlMs: { type: 'integer', minimum: 0 }, lastUsedWriteIntervalMs: { type: 'integer', minimum: 0 } },
    },
  },
} as const;
