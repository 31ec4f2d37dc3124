import type { ConsoleSessionRecord } from '../../domain/console-session.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

/** Returns records (with the hash); services strip it before handing a session on. */
export interface ConsoleSessionRepository {
  create(session: ConsoleSessionRecord, effects: WriteEffects): Promise<void>;
  findByHash(secretHash: string): Promise<ConsoleSessionRecord | null>;
  findById(tenantId: string, id: string): Promise<ConsoleSessionRecord | null>;
  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<ConsoleSessionRecord>>;
  /** Sets `revokedAt` unless already set (then nothing is written); `done` with the session as it is afterwards. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects): Promise<Done<ConsoleSessionRecord> | NotFound>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}
