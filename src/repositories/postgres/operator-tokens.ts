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
    // The token, its audit row and its event in one transaction sent in one round trip.
    return this.w.pipelined([this.w.pool.db.insert(operatorTokens).values(token)], effects);
  }
}
