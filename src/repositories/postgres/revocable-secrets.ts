/**
 * Operator tokens and enrollment secrets on Postgres: both are revocable secrets, found by hash or id, listed
 * oldest first, revoked once and touched when used. Written once here; each repository adds its `create`.
 * Drizzle cannot type a select or update on a table left generic, so each repository binds the two
 * statements to its own table (`selectAll` in the constructor, `updateSet` as a method), where their row types are known.
 */
import { eq, isNull, type SQL } from 'drizzle-orm';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { allOf, tenantRow } from '../shared/conditions.ts';
import { toPage } from '../shared/paging.ts';
import { type RevocableChanges, type RevocableColumns, revocableList } from '../shared/revocable.ts';
import type { PgDb } from './db.ts';
import { firstRow } from './rows.ts';
import type { PgTx, PgWriter } from './transaction.ts';

export type Reader = PgDb | PgTx;
/** `db.select().from(table)` of the repository's table. */
type SelectAll<R> = (db: Reader) => { where(condition: SQL | undefined): { limit(n: number): PromiseLike<R[]>; orderBy(order: SQL): { limit(n: number): PromiseLike<R[]> } } };
/** `db.update(table).set(changes)` of the repository's table, still open for its condition. */
type OpenUpdate<R> = { where(condition: SQL): PromiseLike<unknown> & { returning(): PromiseLike<R[]> } };

export abstract class PgRevocableSecrets<R extends { id: string }> {
  protected readonly w: PgWriter;
  private readonly t: RevocableColumns;
  private readonly selectAll: SelectAll<R>;

  constructor(writer: PgWriter, table: RevocableColumns, selectAll: SelectAll<R>) {
    this.w = writer;
    this.t = table;
    this.selectAll = selectAll;
  }

  /** `db.update(table).set(changes)` of the repository's table. */
  protected abstract updateSet(db: Reader, changes: RevocableChanges): OpenUpdate<R>;

  findByHash(secretHash: string): Promise<R | null> {
    return this.w.pool.run((db) => firstRow(this.selectAll(db), eq(this.t.secretHash, secretHash)));
  }

  findById(tenantId: string, id: string): Promise<R | null> {
    return this.w.pool.run((db) => firstRow(this.selectAll(db), tenantRow(this.t, tenantId, id)));
  }

  list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<R>> {
    const q = revocableList(this.t, tenantId, page, includeRevoked);
    return this.w.pool.run(async (db) => toPage(await this.selectAll(db).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  /** Sets `revokedAt` unless already set (then nothing is written); `done` with the row as it is afterwards. */
  revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction(async (tx, apply) => {
      const where = tenantRow(this.t, tenantId, id);
      // The conditional update takes the row lock: a concurrent revoke waits, then matches nothing (written once).
      const [revoked] = await this.updateSet(tx, { revokedAt: at })
        .where(allOf(where, isNull(this.t.revokedAt)))
        .returning();
      if (revoked) await apply(effects);
      const secret = revoked ?? (await firstRow(this.selectAll(tx), where));
      return secret ? done(secret) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.w.pool.run(async (db) => {
      await this.updateSet(db, { lastUsedAt: at }).where(eq(this.t.id, id));
    });
  }
}
