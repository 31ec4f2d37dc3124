/**
 * An agent's effective configuration: the Smotra `AgentConfig` document (PROTOCOL-smotra.md §4) extended
 * with agentry's keys, and the provenance of every key of the merged policy body.
 */
import type { PolicyScope } from './policy.ts';

/** A monitored endpoint as it appears in `endpoints[]` (Smotra's `Endpoint` plus how to check it). */
export interface ConfigurationEndpoint {
  id: string;
  address: string;
  port: number | null;
  enabled: boolean;
  tags: string[];
  /** Absent for an endpoint whose check type is unknown. */
  check_type?: string;
  interval_secs: number | null;
  timeout_secs: number | null;
}

export interface AgentConfigurationDocument {
  version: number;
  config_hash: string;
  agent_id: string;
  agent_name: string;
  tags: string[];
  monitoring: {
    interval_secs: number;
    timeout_secs: number;
    ping_count: number;
    max_concurrent: number;
    traceroute_on_failure: boolean;
    traceroute_max_hops: number;
  };
  server: {
    url: null;
    api_key: null;
    report_interval_secs: number;
    heartbeat_interval_secs: number;
    verify_tls: boolean;
    timeout_secs: number;
    retry_attempts: number;
  };
  storage: { cache_dir: string; max_cached_results: number; max_cache_age_secs: number };
  self_upgrade: { enabled: boolean; github_repo_url: string; check_interval_secs: number };
  endpoints: ConfigurationEndpoint[];
  agentry: {
    collection_interval_secs: number;
    collectors: string[];
    commands: { allowed_types: string[]; max_output_bytes: number; max_runtime_secs: number };
    endpoint_selectors: { ids: string[]; tags: string[] };
    settings: { [key: string]: unknown };
  };
}

/** Where a value came from: the built-in defaults or a policy. */
export interface PolicySource {
  kind: 'default' | 'policy';
  policyId: string | null;
  name: string | null;
  scope: PolicyScope | null;
  target: string | null;
  priority: number | null;
}

export interface ProvenanceEntry {
  /** Dotted path in the policy body (`monitoring.intervalSecs`). */
  path: string;
  value: unknown;
  source: PolicySource;
  /** Lower-priority values this one replaced, the most recent first. */
  overridden: { value: unknown; source: PolicySource }[];
}

/** A compiled configuration: the document, its ETag, and how it was made. */
export interface EffectiveConfiguration {
  agentId: string;
  etag: string;
  configuration: AgentConfigurationDocument;
  policies: PolicySource[];
  provenance: ProvenanceEntry[];
}

export interface DocumentChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}
