/** The tenant's event feed: types, events as written and as stored, and what a commit announces. */
import type { AuditEntry } from './audit.ts';

/** Event types of the feed. Features add theirs here as they land. */
export const EVENT_TYPES = [
  'agent_registered',
  'agent_claimed',
  'agent_updated',
  'agent_deleted',
  'agent_online',
  'agent_offline',
  'key_rotated',
  'inventory_changed',
  'policy_changed',
  'command_created',
  'command_execution_updated',
  'command_cancelled',
  'command_rollout_slot_freed',
  'tenant_created',
  'token_created',
  'token_revoked',
  'section_created',
  'section_updated',
  'section_deleted',
  'enroll_secret_created',
  'enroll_secret_revoked',
  'endpoint_created',
  'endpoint_updated',
  'endpoint_deleted',
  'endpoint_unreachable',
  'endpoint_reachable',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  tenantId: string;
  type: EventType;
  resourceType: string;
  resourceId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  /**
   * Not stored: agents this change gave work that their parked command polls may take now (a command
   * created for a few agents). Travels to commit listeners (`CommittedEvents.wakes`), here and over NATS.
   */
  wakes?: readonly string[];
}

export interface StoredEvent extends NewEvent {
  /** Position in the tenant's feed: 1, 2, 3, … without gaps, in commit order. */
  offset: number;
}

export interface EventPage {
  events: StoredEvent[];
  hasMore: boolean;
}

/** What a mutation writes besides its own rows, in the same transaction. */
export interface WriteEffects {
  audit?: AuditEntry;
  events?: NewEvent[];
}

/** Told after a transaction that published events has committed (wakes long polls, fans out to NATS). */
export interface CommittedEvents {
  tenantId: string;
  lastOffset: number;
  /** How many events this commit added for the tenant. */
  count: number;
  /** The distinct event types of the commit; absent when unknown (then listeners assume any type). */
  types?: readonly string[];
  /** The agents its events name in `wakes` (a hint: listeners that check the database for work still do). */
  wakes?: readonly string[];
}

export type CommitListener = (committed: CommittedEvents[]) => void;
