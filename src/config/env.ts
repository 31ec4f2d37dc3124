/**
 * Environment overrides. Each leaf of the config schema maps to AGENTRY_<SECTION>_<KEY_IN_SNAKE_CASE>
 * (e.g. server.bodyLimitBytes → AGENTRY_SERVER_BODY_LIMIT_BYTES); a few short aliases follow common practice.
 */
import { configSchema } from './schema.ts';

const aliases: Record<string, string[]> = {
  'server.port': ['PORT', 'AGENTRY_PORT'],
  'database.url': ['DATABASE_URL', 'AGENTRY_DATABASE_URL'],
  'nats.url': ['NATS_URL', 'AGENTRY_NATS_URL'],
  'log.level': ['LOG_LEVEL', 'AGENTRY_LOG_LEVEL'],
};

export interface EnvOverride {
  /** Dotted config key, e.g. `server.port`. */
  key: string;
  /** The variable it came from. */
  variable: string;
  value: unknown;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Lists every variable that may override a key, most specific last (so it wins). */
export function envNames(key: string): string[] {
  const canonical = `AGENTRY_${key.split('.').map(snake).join('_')}`;
  return [...(aliases[key] ?? []).filter((a) => a !== canonical), canonical];
}

/** Reads overrides from `env`, converted to the schema's type; a value that does not convert is kept as text so validation names it. */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  const overrides: EnvOverride[] = [];
  for (const [section, sectionSchema] of Object.entries(configSchema.properties)) {
    for (const [leaf, leafSchema] of Object.entries(sectionSchema.properties)) {
      const key = `${section}.${leaf}`;
      for (const variable of envNames(key)) {
        const raw = env[variable];
        if (raw === undefined || raw === '') continue;
        overrides.push({ key, variable, value: convert(raw, leafSchema as { type: string | readonly string[] }) });
      }
    }
  }
  return overrides;
}

/** Variables read elsewhere (not config keys). */
const ENV_ONLY = ['AGENTRY_ADMIN_TOKEN'];

/**
 * AGENTRY_* variables that match no config key: a typo (AGENTRY_RATELIMITS_ENABLED) would otherwise be
 * ignored silently. Each comes with the variable it most likely meant, when one is close.
 */
export function unknownAgentryVariables(env: NodeJS.ProcessEnv): { variable: string; suggestion: string | null }[] {
  const known = new Set(ENV_ONLY);
  for (const [section, sectionSchema] of Object.entries(configSchema.properties)) {
    for (const leaf of Object.keys(sectionSchema.properties)) for (const name of envNames(`${section}.${leaf}`)) known.add(name);
  }
  const squash = (name: string) => name.replaceAll('_', '');
  const bySquashed = new Map([...known].map((k) => [squash(k), k]));
  return Object.keys(env)
    .filter((v) => v.startsWith('AGENTRY_') && !known.has(v))
    .map((variable) => ({ variable, suggestion: bySquashed.get(squash(variable)) ?? null }));
}

function convert(raw: string, schema: { type: string | readonly string[] }): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(raw);
    return Number.isFinite(n) && raw.trim() !== '' ? n : raw;
  }
  if (types.includes('boolean')) {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (types.includes('array'))
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (types.includes('null') && /^(null|none)$/i.test(raw)) return null;
  return raw;
}
