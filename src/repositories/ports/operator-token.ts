import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import type { Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

/** Returns records (with the hash); services strip it (domain/secrets.ts) before handing a token on. */
export interface OperatorTokenRepository {
  create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void>;
  findByHash(secretHash: string): Promise<OperatorTokenRecord | null>;
  findById(tenantId: string, id: string): Promise<OperatorTokenRecord | null>;
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<OperatorTokenRecord>>;
  /** Sets `revokedAt` unless already set (then nothing is written); `done` with the token as it is afterwards. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<Done<OperatorTokenRecord> | NotFound>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}
