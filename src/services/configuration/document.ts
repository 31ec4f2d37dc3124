/**
 * From a merged policy body to the document agents fetch (Smotra's `AgentConfig` plus agentry's keys), its
 * content hash and ETag, and the difference between two documents. Pure.
 */
import { createHash } from 'node:crypto';
import type { AgentConfigurationDocument, ConfigurationEndpoint, DocumentChange } from '../../domain/configuration.ts';
import type { PolicyBody } from '../../domain/policy.ts';
import { isPlainObject } from './merge.ts';

/** What an agent gets for keys no policy sets. Smotra's own defaults where it has them. */
export const DEFAULT_POLICY_BODY = {
  heartbeatIntervalSecs: 300,
  reportIntervalSecs: 300,
  collectionIntervalSecs: 60,
  collectors: ['cpu', 'memory', 'disk', 'network', 'software'],
  monitoring: { intervalSecs: 60, timeoutSecs: 5, pingCount: 3, maxConcurrent: 10, tracerouteOnFailure: false, tracerouteMaxHops: 30 },
  endpoints: { ids: [], tags: [] },
  commands: { allowedTypes: ['run_command', 'update_agent', 'update_package', 'rotate_key'], maxOutputBytes: 1_048_576, maxRuntimeSecs: 3600 },
  settings: {},
} as const satisfies Required<PolicyBody>;

/** Fixed parts of the Smotra document that policies do not set: the agent keeps its own URL and key. */
const SERVER_FIXED = { url: null, api_key: null, verify_tls: true, timeout_secs: 5, retry_attempts: 3 } as const;
const STORAGE = { cache_dir: './cache', max_cached_results: 10_000, max_cache_age_secs: 86_400 } as const;
const SELF_UPGRADE = { enabled: false, github_repo_url: 'https://github.com/smotra-monitoring/agent', check_interval_secs: 3600 } as const;

export interface AgentIdentity {
  id: string;
  name: string;
  tags: readonly string[];
}

/** Builds the document from a merged body (defaults included) and the agent's endpoints, then hashes it. */
export function renderDocument(agent: AgentIdentity, body: PolicyBody, endpoints: readonly ConfigurationEndpoint[]): AgentConfigurationDocument {
  const d = DEFAULT_POLICY_BODY;
  const m = { ...d.monitoring, ...body.monitoring };
  const c = { ...d.commands, ...body.commands };
  const content: Omit<AgentConfigurationDocument, 'version' | 'config_hash'> = {
    agent_id: agent.id,
    agent_name: agent.name,
    tags: [...agent.tags],
    monitoring: {
      interval_secs: m.intervalSecs,
      timeout_secs: m.timeoutSecs,
      ping_count: m.pingCount,
      max_concurrent: m.maxConcurrent,
      traceroute_on_failure: m.tracerouteOnFailure,
      traceroute_max_hops: m.tracerouteMaxHops,
    },
    server: { ...SERVER_FIXED, report_interval_secs: body.reportIntervalSecs ?? d.reportIntervalSecs, heartbeat_interval_secs: body.heartbeatIntervalSecs ?? d.heartbeatIntervalSecs },
    storage: { ...STORAGE },
    self_upgrade: { ...SELF_UPGRADE },
    endpoints: [...endpoints].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    agentry: {
      collection_interval_secs: body.collectionIntervalSecs ?? d.collectionIntervalSecs,
      collectors: [...(body.collectors ?? d.collectors)],
      commands: { allowed_types: [...c.allowedTypes], max_output_bytes: c.maxOutputBytes, max_runtime_secs: c.maxRuntimeSecs },
      endpoint_selectors: { ids: [...(body.endpoints?.ids ?? [])], tags: [...(body.endpoints?.tags ?? [])] },
      settings: body.settings ?? {},
    },
  };
  const hash = contentHash(content);
  // Smotra's `version` is an integer: the hash's first 52 bits (a safe integer) change whenever the content does.
  return { version: parseInt(hash.slice(0, 13), 16), config_hash: hash, ...content };
}

export const etagOfDocument = (doc: Pick<AgentConfigurationDocument, 'config_hash'>): string => `"cfg-${doc.config_hash.slice(0, 32)}"`;

/** SHA-256 of the canonical JSON (keys sorted at every level): independent of key order. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True when `ifNoneMatch` (a list of ETags, weak or strong, or `*`) names `etag`. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch === etag) return true; // the usual case: the one tag the agent was given
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (tag === '*' || tag === etag) return true;
  }
  return false;
}

/** Leaf-by-leaf changes from `before` to `after` (objects descend; arrays and scalars compare whole). */
export function diffDocuments(before: unknown, after: unknown, prefix = ''): DocumentChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const path = prefix ? `${prefix}.${k}` : k;
      if (!(k in after)) return [{ path, change: 'removed' as const, before: before[k] }];
      if (!(k in before)) return [{ path, change: 'added' as const, after: after[k] }];
      return diffDocuments(before[k], after[k], path);
    });
  }
  return canonicalJson(before) === canonicalJson(after) ? [] : [{ path: prefix, change: 'changed', before, after }];
}
