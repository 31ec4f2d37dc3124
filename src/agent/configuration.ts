/**
 * The agent's view of its configuration document: parsed strictly (a document missing a field the agent
 * needs, or with a wrong type, is refused as a whole and the last good one stays in force), fetched with
 * its ETag so that an unchanged document costs a 304, and read afresh by every loop at each tick, so new
 * intervals, collectors and endpoints apply without a restart.
 */
export interface CheckEndpoint {
  id: string;
  address: string;
  port: number | null;
  checkType: string;
  intervalSecs: number;
  timeoutSecs: number;
}

export interface AgentSettings {
  version: number;
  heartbeatSecs: number;
  reportSecs: number;
  collectionSecs: number;
  collectors: string[];
  pingCount: number;
  endpoints: CheckEndpoint[];
  allowedCommandTypes: string[];
  maxRuntimeSecs: number;
}

/** Until the first document arrives: the server's own defaults. */
export const DEFAULT_SETTINGS: AgentSettings = {
  version: 0,
  heartbeatSecs: 300,
  reportSecs: 300,
  collectionSecs: 60,
  collectors: ['cpu', 'memory', 'disk', 'network', 'software'],
  pingCount: 3,
  endpoints: [],
  allowedCommandTypes: ['run_command', 'update_agent', 'update_package', 'rotate_key'],
  maxRuntimeSecs: 3600,
};

export class ConfigurationError extends Error {}

type Json = Record<string, unknown>;

function obj(v: unknown, path: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigurationError(`${path} must be an object`);
  return v as Json; // checked just above
}
function int(v: unknown, path: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigurationError(`${path} must be an integer ≥ ${min}`);
  return v;
}
function strings(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new ConfigurationError(`${path} must be an array of strings`);
  return v as string[]; // every element checked just above
}

/** Parses a configuration document; throws ConfigurationError naming the first bad field. */
export function parseConfiguration(raw: unknown): AgentSettings {
  const doc = obj(raw, 'document');
  const server = obj(doc.server, 'server');
  const monitoring = obj(doc.monitoring, 'monitoring');
  const agentry = obj(doc.agentry, 'agentry');
  const commands = obj(agentry.commands, 'agentry.commands');
  if (!Array.isArray(doc.endpoints)) throw new ConfigurationError('endpoints must be an array');
  const defaultInterval = int(monitoring.interval_secs, 'monitoring.interval_secs');
  const defaultTimeout = int(monitoring.timeout_secs, 'monitoring.timeout_secs');
  const endpoints = doc.endpoints.flatMap((e: unknown, i): CheckEndpoint[] => {
    const ep = obj(e, `endpoints[${i}]`);
    if (typeof ep.id !== 'string' || typeof ep.address !== 'string') throw new ConfigurationError(`endpoints[${i}] needs an id and an address`);
    if (ep.enabled === false) return [];
    return [
      {
        id: ep.id,
        address: ep.address,
        port: ep.port == null ? null : int(ep.port, `endpoints[${i}].port`),
        checkType: typeof ep.check_type === 'string' ? ep.check_type : 'ping',
        intervalSecs: ep.interval_secs == null ? defaultInterval : int(ep.interval_secs, `endpoints[${i}].interval_secs`),
        timeoutSecs: ep.timeout_secs == null ? defaultTimeout : int(ep.timeout_secs, `endpoints[${i}].timeout_secs`),
      },
    ];
  });
  return {
    version: int(doc.version, 'version', 0),
    heartbeatSecs: int(server.heartbeat_interval_secs, 'server.heartbeat_interval_secs'),
    reportSecs: int(server.report_interval_secs, 'server.report_interval_secs'),
    collectionSecs: int(agentry.collection_interval_secs, 'agentry.collection_interval_secs'),
    collectors: strings(agentry.collectors, 'agentry.collectors'),
    pingCount: int(monitoring.ping_count, 'monitoring.ping_count'),
    endpoints,
    allowedCommandTypes: strings(commands.allowed_types, 'agentry.commands.allowed_types'),
    maxRuntimeSecs: int(commands.max_runtime_secs, 'agentry.commands.max_runtime_secs'),
  };
}

/** The configuration in force, and what became of the last document fetched. */
export class ConfigurationState {
  current: AgentSettings = DEFAULT_SETTINGS;
  etag: string | null = null;
  /** Why the last document was refused (null once a good one arrives). */
  error: string | null = null;

  /** Applies a fetched document; a bad one leaves `current` as it was and records why. */
  apply(raw: unknown, etag: string | null): 'applied' | 'rejected' {
    try {
      this.current = parseConfiguration(raw);
      this.error = null;
      this.etag = etag;
      return 'applied';
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      this.error = err.message;
      // Keep the ETag of the bad document: the server would answer 304 until it changes, and it stays refused.
      this.etag = etag;
      return 'rejected';
    }
  }
}
