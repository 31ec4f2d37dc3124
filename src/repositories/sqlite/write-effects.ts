/**
 * A mutation's audit row and events, written inside its transaction by statements built once (every
 * mutation of the product goes through here: Drizzle's builder cost ~90 KB of garbage per mutation for
 * these three statements alone).
 */
import { sql } from 'drizzle-orm';
import type { CommittedEvents, WriteEffects } from '../../domain/event.ts';
import { byTenant, committedEvents } from '../shared/commit-listeners.ts';
import { columnPlaceholders } from '../shared/statement-template.ts';
import type { SqliteDb } from './db.ts';
import { PreparedTemplate } from './prepared-template.ts';
import { auditLog, eventOffsets, events } from './schema.ts';

export class SqliteEffectWrites {
  private readonly audit: PreparedTemplate;
  /** The tenant's event counter moved on by `n`; returns the new last offset. */
  private readonly offsets: PreparedTemplate;
  private readonly event: PreparedTemplate;

  constructor(db: SqliteDb) {
    const client = db.$client;
    this.audit = new PreparedTemplate(client, db.insert(auditLog).values(columnPlaceholders(auditLog)).toSQL());
    const n = sql.placeholder('n');
    this.offsets = new PreparedTemplate(
      client,
      db
        .insert(eventOffsets)
        .values({ tenantId: sql.placeholder('tenantId'), lastSeq: n })
        .onConflictDoUpdate({ target: eventOffsets.tenantId, set: { lastSeq: sql`${eventOffsets.lastSeq} + ${n}` } })
        .returning({ lastSeq: eventOffsets.lastSeq })
        .toSQL(),
    );
    // One row per run: a prepared statement run per event costs less than building a multi-row insert.
    this.event = new PreparedTemplate(client, db.insert(events).values(columnPlaceholders(events)).toSQL());
  }

  /** Writes `effects` (inside the caller's transaction); what the listeners hear after the commit. */
  write(effects: WriteEffects): CommittedEvents[] {
    if (effects.audit) this.audit.run(effects.audit);
    const committed: CommittedEvents[] = [];
    for (const [tenantId, batch] of byTenant(effects.events ?? [])) {
      const lastSeq = this.offsets.value<number>({ tenantId, n: batch.length })!;
      const first = lastSeq - batch.length + 1;
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i]!;
        this.event.run({ tenantId: e.tenantId, seq: first + i, type: e.type, resourceType: e.resourceType, resourceId: e.resourceId, data: e.data, createdAt: e.createdAt });
      }
      committed.push(committedEvents(tenantId, lastSeq, batch));
    }
    return committed;
  }
}
