/**
 * Write transactions on SQLite. better-sqlite3 transactions are synchronous, so work runs inside the
 * callback without awaiting; `apply` writes the mutation's audit row and events in the same transaction,
 * and listeners hear about the events only after the commit.
 */
import { sql } from 'drizzle-orm';
import type { CommittedEvents, WriteEffects } from '../../domain/event.ts';
import { byTenant, committedEvents, type CommitListeners } from '../shared/commit-listeners.ts';
import type { SqliteDb } from './db.ts';
import { auditLog, eventOffsets, events } from './schema.ts';

/** Events per insert statement: 7 columns each, far below better-sqlite3's 32766 bound parameters. */
const EVENT_INSERT_BATCH = 1000;

export type SqliteTx = Parameters<Parameters<SqliteDb['transaction']>[0]>[0];
export type ApplyEffects = (effects: WriteEffects) => void;

export class SqliteWriter {
  readonly db: SqliteDb;
  private readonly listeners: CommitListeners;

  constructor(db: SqliteDb, listeners: CommitListeners) {
    this.db = db;
    this.listeners = listeners;
  }

  /** `immediate` takes the write lock at BEGIN: use it when the work reads before it writes. */
  transaction<T>(work: (tx: SqliteTx, apply: ApplyEffects) => T, behavior: 'deferred' | 'immediate' = 'immediate'): T {
    const committed: CommittedEvents[] = [];
    const result = this.db.transaction((tx) => work(tx, (effects) => committed.push(...writeEffects(tx, effects))), { behavior });
    this.listeners.notify(committed);
    return result;
  }
}

function writeEffects(tx: SqliteTx, effects: WriteEffects): CommittedEvents[] {
  if (effects.audit) tx.insert(auditLog).values(effects.audit).run();
  const committed: CommittedEvents[] = [];
  for (const [tenantId, batch] of byTenant(effects.events ?? [])) {
    const { lastSeq } = tx
      .insert(eventOffsets)
      .values({ tenantId, lastSeq: batch.length })
      .onConflictDoUpdate({ target: eventOffsets.tenantId, set: { lastSeq: sql`${eventOffsets.lastSeq} + ${batch.length}` } })
      .returning({ lastSeq: eventOffsets.lastSeq })
      .get();
    const first = lastSeq - batch.length + 1;
    // Chunked: a delivery to many agents publishes one event per execution, past the bound-parameter limit of one statement.
    for (let i = 0; i < batch.length; i += EVENT_INSERT_BATCH)
      tx.insert(events)
        .values(
          batch
            .slice(i, i + EVENT_INSERT_BATCH)
            .map((e, j) => ({ tenantId: e.tenantId, seq: first + i + j, type: e.type, resourceType: e.resourceType, resourceId: e.resourceId, data: e.data, createdAt: e.createdAt })),
        )
        .run();
    committed.push(committedEvents(tenantId, lastSeq, batch));
  }
  return committed;
}
