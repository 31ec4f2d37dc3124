/**
 * Group commit for operator writes on Postgres (an operator token with its audit row and event). Every
 * write with an event locks its tenant's offset counter row until its commit is flushed, so one tenant's
 * such writes commit one after the other, one disk flush each. Here the writes made in one turn of the
 * event loop, or while the groups in flight use up their share of the pool, go together: BEGIN, each
 * write's statements in arrival order, one events statement per tenant (the writes' events in arrival
 * order, so a group's offsets follow arrival and commit order), COMMIT. The statements go out together
 * (postgres.js pipelines them); BEGIN and COMMIT are a round trip each. Each write is answered only after
 * the commit that holds it.
 *
 * A failing statement aborts the whole transaction (the pipeline cannot roll back to a savepoint on its
 * own), so a group that fails is sent again without the write whose statement failed first, and only that
 * write gets the error: the others still commit. A failure that belongs to no single write (the grouped
 * events statement) has each write sent alone; a transient fault (the database went away) fails them all,
 * each unanswered write is then rolled back or of unknown outcome, never answered as committed.
 */
import type { Query } from 'drizzle-orm';
import type { CommittedEvents, NewEvent } from '../../domain/event.ts';
import { byTenant, type CommitListeners } from '../shared/commit-listeners.ts';
import { transientDatabaseFault } from '../shared/transient-errors.ts';
import type { PgPool } from './db.ts';
import { GroupCommit } from '../../lib/group-commit.ts';

export interface GroupedWrite {
  /** The write's own statements, its audit row included, in order. */
  queries: Query[];
  events: readonly NewEvent[];
}

interface Pending extends GroupedWrite {
  resolve(): void;
  reject(err: unknown): void;
}

/** A tenant's events statement, ready to send (text and parameters). */
export type EventsStatement = (tenantId: string, batch: NewEvent[]) => Query;
export type CommittedOf = (tenantId: string, batch: NewEvent[], rows: readonly { seq: string | number }[]) => CommittedEvents;

/** Writes per group at most: a bound on one transaction's size, far above what a busy instance queues. */
const MAX_GROUP = 256;

/**
 * Groups in flight at once. A later group's statements run while an earlier one's commit is flushed; its
 * events statement then waits for the earlier group's counter rows (taken in tenant order by every group,
 * so groups cannot deadlock on them), and its offsets come after that group's.
 */
const GROUPS_IN_FLIGHT = 4;

/** Thrown inside the transaction (so that it rolls back): which statement failed first, and why. */
class StatementFailed extends Error {
  readonly index: number;
  readonly reason: unknown;

  constructor(index: number, reason: unknown) {
    super('a grouped statement failed');
    this.index = index;
    this.reason = reason;
  }
}

/** What a group's round trip came to: committed, or the first failing statement's error and its write (-1: none). */
type Attempt = { ok: true; committed: CommittedEvents[] } | { ok: false; err: unknown; write: number };

export class PgWriteGroups {
  private readonly groups: GroupCommit<Pending>;
  private readonly pool: PgPool;
  private readonly listeners: CommitListeners;
  private readonly eventsStatement: EventsStatement;
  private readonly committedOf: CommittedOf;

  constructor(pool: PgPool, listeners: CommitListeners, eventsStatement: EventsStatement, committedOf: CommittedOf) {
    this.pool = pool;
    // Each group holds a pooled connection for its round trip: leave at least half the pool to other work.
    this.groups = new GroupCommit((group) => this.commit(group), { concurrency: Math.min(GROUPS_IN_FLIGHT, Math.floor(pool.max / 2)), maxGroup: MAX_GROUP });
    this.listeners = listeners;
    this.eventsStatement = eventsStatement;
    this.committedOf = committedOf;
  }

  /** Resolves once the write is committed (durable); rejects with its own statement's error otherwise. */
  write(write: GroupedWrite): Promise<void> {
    return new Promise((resolve, reject) => this.groups.add({ ...write, resolve, reject }));
  }

  private async commit(group: Pending[]): Promise<void> {
    let rest = group;
    while (rest.length > 0) {
      const attempt = await this.send(rest);
      if (attempt.ok) {
        for (const w of rest) w.resolve();
        this.listeners.notify(attempt.committed);
        return;
      }
      if (rest.length === 1 || transientDatabaseFault(attempt.err) !== null) {
        for (const w of rest) w.reject(attempt.err);
        return;
      }
      if (attempt.write < 0) {
        for (const w of rest) await this.commit([w]);
        return;
      }
      rest[attempt.write]!.reject(attempt.err);
      rest = rest.filter((_, i) => i !== attempt.write);
    }
  }

  /** One transaction; its statements go out together (postgres.js pipelines them). */
  private async send(group: Pending[]): Promise<Attempt> {
    const queries: Query[] = [];
    const owners: number[] = [];
    group.forEach((w, i) => {
      for (const q of w.queries) {
        queries.push(q);
        owners.push(i);
      }
    });
    // Tenants in a fixed order, so that two transactions locking several counter rows cannot deadlock.
    const batches = [...byTenant(group.flatMap((w) => w.events))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [tenantId, batch] of batches) queries.push(this.eventsStatement(tenantId, batch));
    try {
      const rows = await this.pool.run((db) =>
        // A transaction of the driver's own (not a reserved connection with BEGIN and COMMIT pipelined): when
        // the connection drops, it rejects; queries queued on a reserved connection were left waiting forever.
        db.$client.begin(async (tx) => {
          // Prepared (once per connection, cached by postgres.js): an unprepared query with parameters costs a
          // describe round trip of its own first. Drizzle renders parameters as driver values (unknown[]);
          // postgres.js types them as its own parameter union.
          const settled = await Promise.allSettled(queries.map((q) => tx.unsafe(q.sql, q.params as never[], { prepare: true }).execute()));
          // The first statement to fail is the cause; those after it fail because the transaction is aborted.
          const failed = settled.findIndex((r) => r.status === 'rejected');
          if (failed >= 0) throw new StatementFailed(failed, (settled[failed] as PromiseRejectedResult).reason);
          // postgres.js types rows as generic records; the events statements' are `returning seq` rows.
          return settled.map((r) => (r.status === 'fulfilled' ? (r.value as unknown as { seq: string | number }[]) : []));
        }),
      );
      // The events statements' answers come last, in tenant order.
      const committed = batches.map(([tenantId, batch], i) => this.committedOf(tenantId, batch, rows[owners.length + i] ?? []));
      return { ok: true, committed };
    } catch (err) {
      if (err instanceof StatementFailed) return { ok: false, err: err.reason, write: err.index < owners.length ? owners[err.index]! : -1 };
      return { ok: false, err, write: -1 };
    }
  }
}
