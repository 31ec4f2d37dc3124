/**
 * Operator tokens and enrollment secrets on SQLite: both are revocable secrets, found by hash or id, listed
 * oldest first, revoked once and touched when used. Written once here; each repository adds its `create`.
 * Drizzle cannot type a select or update on a table left generic, so each repository binds the two
 * statements to its own table (`selectAll` in the constructor, `updateSet` as a method), where their row types are known.
 */
import { eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { allOf, tenantRow } from '../shared/conditions.ts';
import { toPage } from '../shared/paging.ts';
import { type RevocableChanges, type RevocableColumns, revocableList } from '../shared/revocable.ts';
import { setValue } from '../shared/statement-template.ts';
import type { SqliteDb } from './db.ts';
import { firstRow } from './rows.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

export type Reader = SqliteDb | SqliteTx;
/** `db.select().from(table)` of the repository's table. */
type SelectAll<R> = (db: Reader) => {
  where(condition: SQL | undefined): { get(): R | undefined; orderBy(order: SQL): { limit(n: number): { all(): R[] } }; prepare(): { get(values: Record<string, unknown>): R | undefined } };
};
/** `db.update(table).set(changes)` of the repository's table, still open for its condition. */
type OpenUpdate<R> = { where(condition: SQL): { run(): unknown; returning(): { get(): R | undefined }; prepare(): { run(values: Record<string, unknown>): unknown } } };

export abstract class SqliteRevocableSecrets<R extends { id: string }> {
  protected readonly w: SqliteWriter;
  private readonly t: RevocableColumns;
  private readonly selectAll: SelectAll<R>;

  /** Every request with a secret looks it up, and touches it: built once, on first use (`updateSet` is the subclass's). */
  private byHash: { get(values: Record<string, unknown>): R | undefined } | undefined;
  private touch: { run(values: Record<string, unknown>): unknown } | undefined;

  constructor(writer: SqliteWriter, table: RevocableColumns, selectAll: SelectAll<R>) {
    this.w = writer;
    this.t = table;
    this.selectAll = selectAll;
  }

  /** `db.update(table).set(changes)` of the repository's table. */
  protected abstract updateSet(db: Reader, changes: RevocableChanges): OpenUpdate<R>;

  async findByHash(secretHash: string): Promise<R | null> {
    this.byHash ??= this.selectAll(this.w.db)
      .where(eq(this.t.secretHash, sql.placeholder('hash')))
      .prepare();
    return this.byHash.get({ hash: secretHash }) ?? null;
  }

  async findById(tenantId: string, id: string): Promise<R | null> {
    return firstRow(this.selectAll(this.w.db), tenantRow(this.t, tenantId, id));
  }

  async list(tenantId: string, page: PageRequest, includeRevoked: boolean): Promise<Page<R>> {
    const q = revocableList(this.t, tenantId, page, includeRevoked);
    return toPage(this.selectAll(this.w.db).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  /** Sets `revokedAt` unless already set (then nothing is written); `done` with the row as it is afterwards. */
  async revoke(tenantId: string, id: string, at: Date, effects: WriteEffects) {
    return this.w.transaction((tx, apply) => {
      const where = tenantRow(this.t, tenantId, id);
      const revoked = this.updateSet(tx, { revokedAt: at })
        .where(allOf(where, isNull(this.t.revokedAt)))
        .returning()
        .get();
      if (revoked) apply(effects);
      const secret = revoked ?? firstRow(this.selectAll(tx), where);
      return secret ? done(secret) : NOT_FOUND;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    this.touch ??= this.updateSet(this.w.db, { lastUsedAt: setValue('at') })
      .where(eq(this.t.id, sql.placeholder('id')))
      .prepare();
    this.touch.run({ id, at });
  }
}
