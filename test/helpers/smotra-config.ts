/**
 * The Smotra agent's `AgentConfig` model (PROTOCOL-smotra.md §4) as a checker: every required field present,
 * non-null and of the type serde would demand (i64 fields as JSON integers), `url`/`api_key` null or string,
 * `port` optional. Extra keys are allowed, as serde ignores them.
 */
import { expect } from 'vitest';

const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const bool = (v: unknown) => typeof v === 'boolean';
const str = (v: unknown) => typeof v === 'string';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SHAPE: Record<string, Record<string, (v: unknown) => boolean>> = {
  monitoring: { interval_secs: int, timeout_secs: int, ping_count: int, max_concurrent: int, traceroute_on_failure: bool, traceroute_max_hops: int },
  server: { report_interval_secs: int, heartbeat_interval_secs: int, verify_tls: bool, timeout_secs: int, retry_attempts: int },
  storage: { cache_dir: str, max_cached_results: int, max_cache_age_secs: int },
  self_upgrade: { enabled: bool, github_repo_url: str, check_interval_secs: int },
};

export function expectSmotraAgentConfig(doc: Record<string, unknown>): void {
  expect(int(doc.version), 'version is an integer').toBe(true);
  expect(str(doc.agent_id) && UUID.test(doc.agent_id as string), 'agent_id is a uuid').toBe(true);
  expect(str(doc.agent_name), 'agent_name is a string').toBe(true);
  for (const [section, fields] of Object.entries(SHAPE)) {
    const value = doc[section] as Record<string, unknown>;
    expect(typeof value === 'object' && value !== null, `${section} is an object`).toBe(true);
    for (const [field, ok] of Object.entries(fields)) expect(ok(value[field]), `${section}.${field}`).toBe(true);
  }
  const server = doc.server as Record<string, unknown>;
  for (const optional of ['url', 'api_key']) expect(server[optional] === null || server[optional] === undefined || str(server[optional]), `server.${optional}`).toBe(true);
  expect(Array.isArray(doc.endpoints), 'endpoints is an array').toBe(true);
  for (const e of doc.endpoints as Record<string, unknown>[]) {
    expect(str(e.id) && UUID.test(e.id as string) && str(e.address) && bool(e.enabled) && Array.isArray(e.tags), `endpoint ${JSON.stringify(e)}`).toBe(true);
    expect(e.port === undefined || e.port === null || int(e.port), 'endpoint port').toBe(true);
  }
  if (doc.tags !== undefined) expect(Array.isArray(doc.tags) && (doc.tags as unknown[]).every(str), 'tags').toBe(true);
}
