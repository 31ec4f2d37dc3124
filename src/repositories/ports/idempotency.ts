import type { IdempotencyClaim, IdempotencyOutcome, StoredResponse } from '../../domain/idempotency.ts';

export interface IdempotencyRepository {
  /** Claims the key for this request, or says why not (another body, still running, or done: replay). */
  claim(claim: IdempotencyClaim, now: Date): Promise<IdempotencyOutcome>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed on our side, so the client may retry with the same key. */
  release(scope: string, key: string): Promise<void>;
  prune(now: Date): Promise<number>;
}
