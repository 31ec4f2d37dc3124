import type { IdempotencyClaim, IdempotencyOutcome } from '../../domain/idempotency.ts';

interface ExistingClaim {
  requestHash: string;
  state: 'in_progress' | 'completed';
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  lockedUntil: Date;
  expiresAt: Date;
}

/**
 * The rules for a key that may already be recorded, shared by both dialects: expired records and
 * abandoned in-progress claims (their holder died) are taken over; otherwise the body must match, and a
 * finished request is replayed while a running one is a conflict.
 */
export function judgeExistingClaim(existing: ExistingClaim | undefined, claim: IdempotencyClaim, now: Date): { kind: 'take' } | { kind: 'answer'; outcome: IdempotencyOutcome } {
  if (!existing || existing.expiresAt <= now) return { kind: 'take' };
  if (existing.requestHash !== claim.requestHash) return { kind: 'answer', outcome: { kind: 'mismatch' } };
  if (existing.state === 'completed') {
    return { kind: 'answer', outcome: { kind: 'replay', response: { status: existing.status!, headers: existing.headers ?? {}, body: existing.body ?? '' } } };
  }
  if (existing.lockedUntil <= now) return { kind: 'take' };
  return { kind: 'answer', outcome: { kind: 'in_progress' } };
}
