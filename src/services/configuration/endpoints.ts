/** The monitored endpoints that go into an agent's `endpoints[]`, in the Smotra `Endpoint` shape. */
import type { ConfigurationEndpoint } from '../../domain/configuration.ts';
import type { MonitoredEndpoint } from '../../domain/endpoint.ts';
import type { ServiceContext } from '../context.ts';
import type { ConfigurationSubject } from './compile.ts';

/**
 * Managed endpoints assigned to the agent (by id, section or tag) plus those its policies select by id or
 * by tag, each once. An endpoint a policy names by id is listed even when disabled (with `enabled: false`,
 * so the agent knows to skip it); agent-local endpoints are the agent's own and are not handed back.
 */
export async function endpointsFor(ctx: ServiceContext, subject: ConfigurationSubject, selectors: { ids: readonly string[]; tags: readonly string[] }): Promise<ConfigurationEndpoint[]> {
  const { tenantId } = subject;
  const [assigned, byId, byTag] = await Promise.all([
    ctx.repos.endpoints.listAssignedTo(tenantId, { agentId: subject.id, sectionId: subject.sectionId, tags: subject.tags }),
    selectors.ids.length > 0 ? ctx.repos.endpoints.findByIds(tenantId, selectors.ids) : [],
    selectors.tags.length > 0 ? ctx.repos.endpoints.listByTags(tenantId, selectors.tags) : [],
  ]);
  const chosen = new Map<string, MonitoredEndpoint>();
  for (const e of [...assigned, ...byId, ...byTag]) if (e.origin === 'managed') chosen.set(e.id, e);
  return [...chosen.values()].map(toConfigurationEndpoint);
}

function toConfigurationEndpoint(e: MonitoredEndpoint): ConfigurationEndpoint {
  return {
    id: e.id,
    address: e.address,
    port: e.port,
    enabled: e.enabled,
    tags: [...e.tags],
    ...(e.checkType !== null ? { check_type: e.checkType } : {}),
    interval_secs: e.intervalSec,
    timeout_secs: e.timeoutSec,
  };
}
