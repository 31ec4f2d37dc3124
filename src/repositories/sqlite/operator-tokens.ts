import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import type { OperatorTokenRepository } from '../ports/operator-token.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, SqliteRevocableSecrets } from './revocable-secrets.ts';
import { operatorTokens } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

export class SqliteOperatorTokenRepository extends SqliteRevocableSecrets<OperatorTokenRecord> implements OperatorTokenRepository {
  constructor(writer: SqliteWriter) {
    super(writer, operatorTokens, (db) => db.select().from(operatorTokens));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(operatorTokens).set(changes);
  }

  async create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void> {
    this.w.transaction((tx, apply) => {
      tx.insert(operatorTokens).values(token).run();
      apply(effects);
    }, 'deferred');
  }
}
