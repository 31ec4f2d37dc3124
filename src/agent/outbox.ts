/**
 * The agent's store-and-forward outbox: every request it must deliver (samples, inventory, results, command
 * output and acks) is a row in a local SQLite file, sent in insertion order and deleted only once the server
 * answered 2xx, so it survives server outages and agent restarts. It is bounded by rows; when full, or when
 * the disk is, the oldest rows go first and are counted until the next heartbeat reports the count.
 */
import Database from 'better-sqlite3';

export interface OutboxItem {
  seq: number;
  kind: string;
  /** Request path under the server origin, e.g. `/api/v1/agent/<id>/inventory`. */
  path: string;
  body: string;
}

export class Outbox {
  readonly #db: Database.Database;
  readonly #maxItems: number;
  readonly #stmts;

  /** `maxBytes` caps the file as a full disk would (SQLite's max_page_count): the same drop-oldest path answers both. */
  constructor(file: string, maxItems: number, maxBytes?: number) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    if (maxBytes) this.#db.pragma(`max_page_count = ${Math.max(16, Math.ceil(maxBytes / Number(this.#db.pragma('page_size', { simple: true }))))}`);
    this.#db.exec(`
      create table if not exists outbox (seq integer primary key autoincrement, kind text not null, path text not null, body text not null, created_at integer not null);
      create table if not exists outbox_meta (key text primary key, value integer not null);
      insert or ignore into outbox_meta (key, value) values ('dropped', 0);`);
    this.#maxItems = maxItems;
    this.#stmts = {
      insert: this.#db.prepare('insert into outbox (kind, path, body, created_at) values (?, ?, ?, ?)'),
      count: this.#db.prepare('select count(*) as n from outbox').pluck(),
      dropOldest: this.#db.prepare('delete from outbox where seq in (select seq from outbox order by seq limit ?)'),
      head: this.#db.prepare('select seq, kind, path, body from outbox order by seq limit ?'),
      remove: this.#db.prepare('delete from outbox where seq = ?'),
      addDropped: this.#db.prepare("update outbox_meta set value = value + ? where key = 'dropped'"),
      dropped: this.#db.prepare("select value from outbox_meta where key = 'dropped'").pluck(),
      bump: this.#db.prepare('insert into outbox_meta (key, value) values (?, ?) on conflict (key) do update set value = value + excluded.value returning value').pluck(),
      counter: this.#db.prepare('select value from outbox_meta where key = ?').pluck(),
    };
  }

  /**
   * Appends an item, first dropping the oldest ones if the outbox is full (or the disk refuses the write).
   * `counter` is incremented by `by` (and `also` run) in the same transaction as the insert.
   */
  push(kind: string, path: string, body: unknown, counter?: string, by = 1, also?: () => void): void {
    const json = JSON.stringify(body);
    const write = this.#db.transaction(() => {
      const over = Number(this.#stmts.count.get()) + 1 - this.#maxItems;
      if (over > 0) this.#drop(over);
      this.#stmts.insert.run(kind, path, json, Date.now());
      if (counter) this.increment(counter, by);
      also?.();
    });
    for (let attempt = 0; ; attempt++) {
      try {
        write();
        return;
      } catch (err) {
        if (!isDiskFull(err) || attempt >= 5 || this.size === 0) throw err;
        // A full disk: make room by dropping a tenth of the queue (at least one row), then try again.
        this.#db.transaction(() => this.#drop(Math.max(1, Math.ceil(this.size / 10))))();
      }
    }
  }

  /** The oldest items, in order. */
  head(limit: number): OutboxItem[] {
    return this.#stmts.head.all(limit) as OutboxItem[]; // the select names exactly OutboxItem's columns
  }

  remove(seq: number): void {
    this.#stmts.remove.run(seq);
  }

  get size(): number {
    return Number(this.#stmts.count.get());
  }

  /** Items dropped since the count was last reported. */
  get dropped(): number {
    return Number(this.#stmts.dropped.get());
  }

  /** Subtracts what a heartbeat reported (items dropped meanwhile stay counted). */
  acknowledgeDropped(reported: number): void {
    this.#stmts.addDropped.run(-reported);
  }

  /**
   * A counter kept with the outbox (the agent's sample sequence, checks performed): it survives restarts
   * like the items it numbers, so that what the server received can be compared with what was produced.
   */
  increment(key: string, by = 1): number {
    return Number(this.#stmts.bump.get(`counter:${key}`, by));
  }

  counter(key: string): number {
    return Number(this.#stmts.counter.get(`counter:${key}`) ?? 0);
  }

  close(): void {
    this.#db.close();
  }

  #drop(n: number): void {
    const removed = this.#stmts.dropOldest.run(n).changes;
    this.#stmts.addDropped.run(removed);
  }
}

function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE';
}
