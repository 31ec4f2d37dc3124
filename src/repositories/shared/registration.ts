/** Registration query parts shared by both dialects. */
import { and, eq, gt, isNotNull, isNull, lt, type Column, type SQL } from 'drizzle-orm';
import { allOf } from './conditions.ts';
import type { PageRequest } from '../../domain/paging.ts';
import type { PendingRegistration, Registration } from '../../domain/registration.ts';
import { ascendingPage, type ListQuery } from './paging.ts';

type RegistrationColumns = Record<'agentId' | 'claimedAt' | 'expiresAt' | 'keyDeliveredAt', Column>;

/** Unclaimed registrations not expired at `now`, by agent id. */
export function pendingList(t: RegistrationColumns, now: Date, page: PageRequest): ListQuery {
  return ascendingPage(t.agentId, page, and(isNull(t.claimedAt), gt(t.expiresAt, now)));
}

/** A pending registration's cursor key is its agent id. */
export const toPending = (r: Registration): PendingRegistration => ({ ...r, id: r.agentId });

/** Unclaimed registrations that expired before `before`. */
export function expiredUnclaimed(t: RegistrationColumns, before: Date): SQL {
  return allOf(isNull(t.claimedAt), lt(t.expiresAt, before));
}

/** The agent's registration when claimed and its key not delivered yet: the one-time delivery's condition. */
export function keyUndelivered(t: RegistrationColumns, agentId: string): SQL {
  return allOf(eq(t.agentId, agentId), isNull(t.keyDeliveredAt), isNotNull(t.claimedAt));
}
