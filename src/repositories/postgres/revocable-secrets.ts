/**
 * Operator tokens and enrollment secrets on Postgres: both are revocable secrets, found by hash or id, listed
 * oldest first, revoked once and touched when used. Written once here; each repository adds its `create`.
 * Drizzle cannot type a select or update on a table left generic, so each repository binds the two
 * statements to its own table (`selectAll` in the constructor, `updateSet` as a method), where their row types are known.
 */
import { eq, getTableName, isNull, type SQL, sql, type Table } from 'drizzle-orm';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { allOf, tenantRow } from '../shared/conditions.ts';
import { toPage } from '../shared/paging.ts';
import { type RevocableChanges, type RevocableColumns, revocableList } from '../shared/revocable.ts';
import { setValue } from '../shared/statement-template.ts';
import type { PgDb } from './db.ts';
import { firstRow } from './rows.ts';
import type { PgTx, PgWriter } from './transaction.ts';

export type Reader = PgDb | PgTx;
/** `db.select().from(table)` of the repository's table. */
type SelectAll<R> = (db: Reader) => {
  where(condition: SQL | undefined): { limit(n: number): PromiseLike<R[]> & { prepare(name: string): Prepared<R[]> }; orderBy(order: SQL): { limit(n: number): PromiseLike<R[]> } };
};
/** `db.update(table).set(changes)` of the repository's table, still open for its condition. */
type OpenUpdate<R> = { where(condition: SQL): PromiseLike<unknown> & { returning(): PromiseLike<R[]>; prepare(name: string): Prepared<unknown> } };
/** A Drizzle statement prepared once, run with its placeholders' values. */
type Prepared<T> = { execute(values: Record<string, unknown>): Promise<T> };

export abstract class PgRevocableSecrets<R extends { id: string }> {
  protected readonly w: PgWriter;
  private readonly t: RevocableColumns;
  private readonly selectAll: SelectAll<R>;

  /** Every request with a secret looks it up, and touches it: built once, on first use (`updateSet` is the subclass's). */
  private byHash: Prepared<R[]> | undefined;
  private touch: Prepared<unknown> | undefined;

  constructor(writer: PgWriter, table: RevocableColumns, selectAll: SelectAll<R>) {
    this.w = writer;
    this.t = table;
    this.selectAll = selectAll;
  }

  private get tableName(): string {
    return getTableName(this.t as unknown as Table);
  }

  /** `db.update(table).set(changes)` of the repository's table. */
  protected abstract updateSet(db: Reader, changes: RevocableChanges): OpenUpdate<R>;

  findByHash(secretHash: string): Promise<R | null> {
    this.byHash ??= this.selectAll(this.w.pool.db)
      .where(eq(this.t.secretHash, sql.placeholder('hash')))
      .limit(1)
      .prepare(`${this.tableName}_by_hash`);
    const query = this.byHash;
    return this.w.pool.run(async () => (await query.execute({ hash: secretHash }))[0] ?? null);
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
    this.touch ??= this.updateSet(this.w.pool.db, { lastUsedAt: setValue('at') })
      .where(eq(this.t.id, sql.placeholder('id')))
      .prepare(`${this.tableName}_touch`);
    const query = this.touch;
    await this.w.pool.run(() => query.execute({ id, at }));
  }
}
