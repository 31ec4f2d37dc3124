/** Loads the configuration: defaults ← file (YAML or JSON, `-c`) ← environment; validated with clear messages. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { defaultConfig } from './defaults.ts';
import { configSchema } from './schema.ts';
import type { Config } from './types.ts';
import { readEnvOverrides, unknownAgentryVariables } from './env.ts';
import { invalidNetworks } from '../http/rate-limit/client-ip.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(configSchema);

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig({ file, env = process.env }: LoadOptions = {}): Config {
  const unknown = unknownAgentryVariables(env);
  if (unknown.length > 0) {
    const lines = unknown.map(({ variable, suggestion }) => `${variable}: not a configuration variable${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const fromFile = file ? readConfigFile(file) : {};
  // deepMerge works on plain records, and Config, an interface, has no index signature.
  const merged = deepMerge(structuredClone(defaultConfig) as unknown as Record<string, unknown>, fromFile);
  const sources = new Map<string, string>();
  for (const { key, variable, value } of readEnvOverrides(env)) {
    const [section, leaf] = key.split('.') as [string, string];
    merged[section] ??= {};
    const target = merged[section] as Record<string, unknown>;
    target[leaf] = value;
    sources.set(key, variable);
  }
  if (!validate(merged)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1).replaceAll('/', '.') || '(root)';
      const where = sources.has(key) ? ` (from ${sources.get(key)})` : file ? ` (in ${file})` : '';
      const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
      return `${key}${extra}: ${e.message}${where}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  // validate() above checked `merged` against the configuration schema that Config mirrors.
  const config = merged as unknown as Config;
  const badProxies = invalidNetworks(config.rateLimits.trustedProxies);
  if (badProxies.length > 0) {
    const key = 'rateLimits.trustedProxies';
    const where = sources.has(key) ? ` (from ${sources.get(key)})` : file ? ` (in ${file})` : '';
    throw new ConfigError(`invalid configuration:\n  ${key}: not an IP address or CIDR range: ${badProxies.join(', ')}${where}`);
  }
  return config;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be a mapping');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot parse config file ${file}: ${(err as Error).message}`);
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)) {
      base[k] = deepMerge({ ...(b as Record<string, unknown>) }, v as Record<string, unknown>);
    } else {
      base[k] = v;
    }
  }
  return base;
}
