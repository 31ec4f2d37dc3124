/** The system summary of `GET /admin/stats`: per-tenant tallies read from storage, and the answering instance's own state. */
import type { ExecutionCounts } from './command.ts';
import type { TelemetryStorageStats } from './telemetry.ts';

/** Agents counted by state: online and offline count active agents only. */
export interface AgentTally {
  online: number;
  offline: number;
  revoked: number;
}

export interface TenantSummary {
  tenantId: string;
  name: string;
  agents: AgentTally;
  /** The tenant's last event offset: events ever published in it. */
  eventsPublished: number;
}

/** What the answering instance knows of itself (its queue, its stream consumer, its pool). */
export interface InstanceStats {
  version: string;
  uptimeSeconds: number;
  nats: boolean;
  eventsPublished: number;
  /** NaN while NATS does not answer. */
  queueDepth: number;
  /** The JetStream consumer's backlog; null without NATS. */
  stream: { pending: number; ackPending: number; redelivered: number } | null;
}

export interface SystemStats {
  generatedAt: Date;
  instance: InstanceStats;
  agents: AgentTally;
  tenants: TenantSummary[];
  eventsPublished: number;
  executions: ExecutionCounts;
  pool: { max: number; inUse: number; waiting: number };
  dialect: 'sqlite' | 'postgres';
  telemetry: TelemetryStorageStats;
}
