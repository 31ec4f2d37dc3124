/** Ports for agents and Smotra self-registrations. */
import type { Page, PageRequest, WriteEffects } from './types.ts';

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

/** An agent with its stored secrets and heartbeat details: only services see this. */
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

/** Fields an operator or the server may change; `version` and `updatedAt` are bumped by the repository. */
export type AgentChanges = Partial<
  Pick<AgentRecord, 'name' | 'tags' | 'sectionId' | 'status' | 'keyHash' | 'keyPrefix' | 'previousKeyHash' | 'previousKeyExpiresAt' | 'hostname' | 'os' | 'arch' | 'agentVersion' | 'capabilities'>
>;

export type UpdateResult = { kind: 'updated'; agent: AgentRecord } | { kind: 'not_found' } | { kind: 'version_conflict'; currentVersion: number };

/** The columns agent-key authentication reads (no JSON columns to decode on the hot path). */
export type AgentKeyMatch = Pick<AgentRecord, 'id' | 'tenantId' | 'status' | 'online' | 'lastSeenAt' | 'keyHash' | 'previousKeyHash' | 'previousKeyExpiresAt'>;

export interface AgentRepository {
  findById(tenantId: string, id: string): Promise<AgentRecord | null>;
  /**
   * The agent whose current key — or previous key, still in its grace period at `now` — hashes to this.
   * Only what authentication needs: it runs on every agent request.
   */
  findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null>;
  findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null>;
  list(tenantId: string, filter: AgentFilter, page: PageRequest): Promise<Page<Agent>>;
  insert(agent: AgentRecord, effects: WriteEffects): Promise<void>;
  /** Applies changes when the agent is at `expectedVersion` (any version when omitted); bumps the version. */
  update(tenantId: string, id: string, changes: AgentChanges, at: Date, effects: (before: AgentRecord, after: AgentRecord) => WriteEffects, expectedVersion?: number): Promise<UpdateResult>;
  delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects): Promise<boolean>;
  /** Heartbeat write (coalesced by the caller). `online` flips it back online, with its effects. */
  recordHeartbeat(id: string, at: Date, heartbeat: Record<string, unknown>, comingOnline: WriteEffects | null): Promise<void>;
  saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void>;
  /** Marks agents silent since before `cutoff` offline (at most `limit`), with effects per agent. Returns them. */
  markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]>;
}

export interface Registration {
  agentId: string;
  claimTokenHash: string;
  hostname: string;
  agentVersion: string;
  ipAddresses: unknown[];
  pollCount: number;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  claimedAt: Date | null;
  tenantId: string | null;
  keyDeliveredAt: Date | null;
}

export type NewRegistration = Pick<Registration, 'agentId' | 'claimTokenHash' | 'hostname' | 'agentVersion' | 'ipAddresses' | 'expiresAt'>;

export interface RegistrationRepository {
  find(agentId: string): Promise<Registration | null>;
  /** New → `created`; unclaimed → token hash and expiry replaced, `renewed`; claimed or an existing agent → `claimed`. */
  register(reg: NewRegistration, at: Date): Promise<'created' | 'renewed' | 'claimed'>;
  /** Counts a claim-status poll; returns the count before this poll. */
  countPoll(agentId: string): Promise<number>;
  /** Claims an unclaimed registration and creates its agent (no key yet) in one transaction. */
  claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects): Promise<'claimed' | 'already_claimed' | 'missing'>;
  /**
   * Delivers the key exactly once: marks the registration delivered and sets the agent's key hash, only if
   * not delivered yet. Returns false when another poll got there first.
   */
  deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date): Promise<boolean>;
  listPending(now: Date, page: PageRequest): Promise<Page<Registration & { id: string }>>;
  /** Removes unclaimed registrations that expired before `before`. */
  pruneExpired(before: Date): Promise<number>;
  remove(agentId: string): Promise<void>;
}
