/** Idempotency keys: a claimed request key and the response stored for replays. */

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyClaim {
  scope: string;
  key: string;
  operationId: string;
  requestHash: string;
  /** An in-progress claim older than this is taken over (its holder is presumed dead). */
  lockedUntil: Date;
  expiresAt: Date;
}

export type IdempotencyOutcome = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' } | { kind: 'in_progress' };
