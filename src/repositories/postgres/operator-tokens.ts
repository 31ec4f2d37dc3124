import type { WriteEffects } from '../../domain/event.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import type { OperatorTokenRepository } from '../ports/operator-token.ts';
import { operatorTokens } from './schema.ts';
import type { RevocableChanges } from '../shared/revocable.ts';
import { type Reader, PgRevocableSecrets } from './revocable-secrets.ts';
import type { PgWriter } from './transaction.ts';

export class PgOperatorTokenRepository extends PgRevocableSecrets<OperatorTokenRecord> implements OperatorTokenRepository {
  constructor(writer: PgWriter) {
    super(writer, operatorTokens, (db) => db.select().from(operatorTokens));
  }

  protected updateSet(db: Reader, changes: RevocableChanges) {
    return db.update(operatorTokens).set(changes);
  }

  create(token: OperatorTokenRecord, effects: WriteEffects): Promise<void> {
    // Pipelined: the token, its audit row and its event in one round trip (a failed insert aborts the rest).
    return this.w.transaction(async (tx, apply) => {
      await Promise.all([tx.insert(operatorTokens).values(token), apply(effects)]);
    });
  }
}
