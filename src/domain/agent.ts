/** Agents as operators see them, and as stored (with key hashes and heartbeat internals). */

export type AgentStatus = 'active' | 'revoked';

export interface Agent {
  id: string;
  tenantId: string;
  sectionId: string | null;
  name: string;
  hostname: string;
  os: string | null;
  arch: string | null;
  agentVersion: string | null;
  hardwareId: string | null;
  capabilities: string[];
  tags: string[];
  ipAddresses: unknown[] | null;
  status: AgentStatus;
  enrolledVia: 'secret' | 'claim';
  keyPrefix: string | null;
  online: boolean;
  lastSeenAt: Date | null;
  latestStatus: Record<string, unknown> | null;
  statusReportedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An agent with its stored secrets and heartbeat details, as repositories return it: only services see this. */
export interface AgentRecord extends Agent {
  keyHash: string | null;
  previousKeyHash: string | null;
  previousKeyExpiresAt: Date | null;
  latestHeartbeat: Record<string, unknown> | null;
  onlineChangedAt: Date | null;
}

export interface AgentFilter {
  status?: AgentStatus;
  online?: boolean;
  os?: string;
  tag?: string;
  sectionId?: string;
  /** Case-insensitive substring of hostname or name. */
  q?: string;
}

/** Columns the agents list may be ordered by (the contract's `sort`, without its `-`). */
export type AgentSortKey = 'hostname' | 'name' | 'os' | 'status' | 'lastSeenAt';

/** A sort column's value as a cursor carries it: text, a time, or null (those rows come last). */
export type AgentSortValue = string | Date | null;

/**
 * An ordered agents list: by `key` (descending when asked), then by id; `after` is the last row of the
 * previous page, as its cursor carried it.
 */
export interface AgentOrder {
  key: AgentSortKey;
  descending: boolean;
  after?: { value: AgentSortValue; id: string };
}

/** Fields an operator or the server may change; `version` and `updatedAt` are bumped by the repository. */
export type AgentChanges = Partial<
  Pick<AgentRecord, 'name' | 'tags' | 'sectionId' | 'status' | 'keyHash' | 'keyPrefix' | 'previousKeyHash' | 'previousKeyExpiresAt' | 'hostname' | 'os' | 'arch' | 'agentVersion' | 'capabilities'>
>;

/** The columns agent-key authentication reads (no JSON columns to decode on the hot path). */
export type AgentKeyMatch = Pick<AgentRecord, 'id' | 'tenantId' | 'status' | 'online' | 'lastSeenAt' | 'keyHash' | 'previousKeyHash' | 'previousKeyExpiresAt'>;

/** How many of a tenant's active agents are online (or offline): the presence gauges and the admin stats. */
export interface PresenceCount {
  tenantId: string;
  online: boolean;
  agents: number;
}
