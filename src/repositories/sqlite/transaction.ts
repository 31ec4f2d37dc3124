/**
 * Write transactions on SQLite. better-sqlite3 transactions are synchronous, so work runs inside the
 * callback without awaiting; `apply` writes the mutation's audit row and events in the same transaction,
 * and listeners hear about the events only after the commit.
 */
import type { CommittedEvents, WriteEffects } from '../../domain/event.ts';
import type { CommitListeners } from '../shared/commit-listeners.ts';
import type { SqliteDb } from './db.ts';
import { SqliteEffectWrites } from './write-effects.ts';

export type SqliteTx = Parameters<Parameters<SqliteDb['transaction']>[0]>[0];
export type ApplyEffects = (effects: WriteEffects) => void;

export class SqliteWriter {
  readonly db: SqliteDb;
  private readonly listeners: CommitListeners;
  private readonly effects: SqliteEffectWrites;

  constructor(db: SqliteDb, listeners: CommitListeners) {
    this.db = db;
    this.listeners = listeners;
    this.effects = new SqliteEffectWrites(db);
  }

  /** `immediate` takes the write lock at BEGIN: use it when the work reads before it writes. */
  transaction<T>(work: (tx: SqliteTx, apply: ApplyEffects) => T, behavior: 'deferred' | 'immediate' = 'immediate'): T {
    const committed: CommittedEvents[] = [];
    const result = this.db.transaction((tx) => work(tx, (effects) => committed.push(...this.effects.write(effects))), { behavior });
    this.listeners.notify(committed);
    return result;
  }
}
