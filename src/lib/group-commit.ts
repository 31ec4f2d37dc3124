/**
 * The scheduling half of a group commit: items added during one turn of the event loop (and while the
 * groups in flight use up `concurrency`) are handed to `commit` together on the next turn, at most
 * `maxGroup` at a time. What a group means — one statement, one transaction, answering each item — is the
 * caller's `commit`; it must settle every item it is given, and must not reject.
 */
export class GroupCommit<T> {
  private queue: T[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly commit: (group: T[]) => Promise<void>;
  private readonly concurrency: number;
  private readonly maxGroup: number;

  constructor(commit: (group: T[]) => Promise<void>, { concurrency, maxGroup }: { concurrency: number; maxGroup: number }) {
    this.commit = commit;
    this.concurrency = Math.max(1, concurrency);
    this.maxGroup = maxGroup;
  }

  add(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  /** The next turn of the event loop (setImmediate, not a microtask), so that the items of this one go together. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const group = this.queue.splice(0, this.maxGroup);
      if (group.length === 0) return;
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }
}
