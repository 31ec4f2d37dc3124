/** The AgentConfig checker accepts the protocol's own minimal example and refuses what the agent could not parse. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_BODY, renderDocument } from '../../../../src/services/configuration/document.ts';
import { expectSmotraAgentConfig } from '../../../helpers/smotra-config.ts';

// PROTOCOL-smotra.md §4, minimal example, verbatim.
const EXAMPLE = JSON.parse(`{"version":1,"agent_id":"0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b","agent_name":"a",
 "monitoring":{"interval_secs":60,"timeout_secs":1,"ping_count":3,"max_concurrent":10,"traceroute_on_failure":false,"traceroute_max_hops":30},
 "server":{"report_interval_secs":300,"heartbeat_interval_secs":300,"verify_tls":true,"timeout_secs":5,"retry_attempts":3},
 "storage":{"cache_dir":"./cache","max_cached_results":10000,"max_cache_age_secs":86400},
 "self_upgrade":{"enabled":false,"github_repo_url":"https://github.com/smotra-monitoring/agent","check_interval_secs":3600},
 "endpoints":[]}`) as Record<string, unknown>;

describe('Smotra AgentConfig shape', () => {
  it('accepts the protocol example and our rendered document', () => {
    expectSmotraAgentConfig(EXAMPLE);
    expectSmotraAgentConfig({ ...renderDocument({ id: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b', name: 'a', tags: [] }, DEFAULT_POLICY_BODY, []) });
  });

  it("refuses a document without self_upgrade (the Go server's shape), a float where an integer is due, a null required field", () => {
    const { self_upgrade: _omit, ...withoutSelfUpgrade } = EXAMPLE;
    expect(() => expectSmotraAgentConfig(withoutSelfUpgrade)).toThrow();
    expect(() => expectSmotraAgentConfig({ ...EXAMPLE, monitoring: { ...(EXAMPLE.monitoring as object), interval_secs: 60.5 } })).toThrow();
    expect(() => expectSmotraAgentConfig({ ...EXAMPLE, agent_name: null })).toThrow();
  });
});
