import type { ConsoleSessionRecord } from '../../domain/console-session.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { ConsoleSessionRepository } from '../ports/console-session.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, SqliteRevocableSecrets } from './revocable-secrets.ts';
import { consoleSessions } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteConsoleSessionRepository extends SqliteRevocableSecrets<ConsoleSessionRecord> implements ConsoleSessionRepository {
  constructor(writer: SqliteWriter) {
    super(writer, consoleSessions, (db) => db.select().from(consoleSessions));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(consoleSessions).set(changes);
  }

  async create(session: ConsoleSessionRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(consoleSessions).values(session).run();
      apply(effects);
    }, 'deferred');
  }
}
