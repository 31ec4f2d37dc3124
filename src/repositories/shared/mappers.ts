/** Row → domain mappers shared by both dialects (their rows have the same shape through Drizzle). */
import type { EventType, OperatorToken, OperatorTokenRecord, StoredEvent } from '../types.ts';

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
