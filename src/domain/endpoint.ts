/**
 * Monitored endpoints: targets agents check (ping, TCP/UDP connect, HTTP GET, traceroute, named as the
 * Smotra agent names its check types). `managed` ones are created by operators and assigned to agents;
 * `agent_local` ones appear when an agent reports results for an endpoint id the server does not know.
 */
export const CHECK_TYPES = ['ping', 'tcpconnect', 'httpget', 'udpconnect', 'traceroute'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

export type EndpointOrigin = 'managed' | 'agent_local';

/** An agent is assigned when listed, when in the section, or when it carries one of the tags. */
export interface EndpointAssignment {
  agentIds: string[];
  sectionId: string | null;
  tags: string[];
}

export interface MonitoredEndpoint {
  id: string;
  tenantId: string;
  name: string;
  address: string;
  /** null for an agent-local endpoint known only from results of a kind endpoints cannot declare (plugin). */
  checkType: CheckType | null;
  port: number | null;
  intervalSec: number;
  timeoutSec: number;
  tags: string[];
  enabled: boolean;
  assignment: EndpointAssignment;
  origin: EndpointOrigin;
  /** The agent whose results made an agent-local endpoint appear. */
  reportedBy: string | null;
  /** The managed endpoint an agent-local one stands for. */
  linkedEndpointId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What decides whether an endpoint is assigned to an agent. */
export interface AgentPlacement {
  agentId: string;
  sectionId: string | null;
  tags: readonly string[];
}

/** Whether a managed, enabled endpoint is assigned to the agent (by id, section or any shared tag). */
export function isAssignedTo(endpoint: MonitoredEndpoint, agent: AgentPlacement): boolean {
  if (endpoint.origin !== 'managed' || !endpoint.enabled) return false;
  const a = endpoint.assignment;
  if (a.agentIds.includes(agent.agentId)) return true;
  if (a.sectionId !== null && a.sectionId === agent.sectionId) return true;
  return a.tags.some((t) => agent.tags.includes(t));
}
