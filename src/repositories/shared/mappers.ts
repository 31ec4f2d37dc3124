/** Row → domain mappers shared by both dialects (their rows have the same shape through Drizzle). */
import type { Agent, AgentRecord, EventType, OperatorToken, OperatorTokenRecord, StoredEvent } from '../types.ts';

export function withoutSecret(row: OperatorTokenRecord): OperatorToken {
  const { secretHash: _secretHash, ...token } = row;
  return token;
}

interface EventRow {
  tenantId: string;
  seq: number;
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  const { seq, type, ...rest } = row;
  return { ...rest, type: type as EventType, offset: seq };
}

/** An agent without its key hashes and heartbeat internals. */
export function toAgent(row: AgentRecord): Agent {
  const { keyHash: _k, previousKeyHash: _p, previousKeyExpiresAt: _e, latestHeartbeat: _h, onlineChangedAt: _o, ...agent } = row;
  return agent;
}
