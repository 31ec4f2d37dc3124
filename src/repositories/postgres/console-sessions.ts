import type { ConsoleSessionRecord } from '../../domain/console-session.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { ConsoleSessionRepository } from '../ports/console-session.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, PgRevocableSecrets } from './revocable-secrets.ts';
import { consoleSessions } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export class PgConsoleSessionRepository extends PgRevocableSecrets<ConsoleSessionRecord> implements ConsoleSessionRepository {
  constructor(writer: PgWriter) {
    super(writer, consoleSessions, (db) => db.select().from(consoleSessions));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(consoleSessions).set(changes);
  }

  create(session: ConsoleSessionRecord, effects: WriteEffects): Promise<void> {
    return this.w.transaction(async (tx, apply) => {
      await tx.insert(consoleSessions).values(session);
      await apply(effects);
    });
  }
}
