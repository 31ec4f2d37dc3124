/**
 * Wakes parked readers of the event feed when events commit. A reader registers "wake me when tenant T
 * has an offset past N" with a deadline; a commit wakes exactly the tenant's waiters behind it. Costs one
 * timer per waiter and nothing while idle (no polling of the database).
 */
export interface Waiter {
  /** Resolves true when woken by a commit, false at the deadline or on shutdown. */
  readonly woken: Promise<boolean>;
  cancel(): void;
}

interface Parked {
  after: number;
  resolve: (woken: boolean) => void;
  timer: NodeJS.Timeout;
}

export class EventNotifier {
  private readonly byTenant = new Map<string, Set<Parked>>();
  private parked = 0;
  private closed = false;

  /** Number of readers waiting now (for the metrics gauge). */
  get waiting(): number {
    return this.parked;
  }

  wait(tenantId: string, afterOffset: number, timeoutMs: number): Waiter {
    let entry: Parked | undefined;
    const woken = new Promise<boolean>((resolve) => {
      if (this.closed || timeoutMs <= 0) return resolve(false);
      let set = this.byTenant.get(tenantId);
      if (!set) {
        set = new Set();
        this.byTenant.set(tenantId, set);
      }
      const parked: Parked = {
        after: afterOffset,
        resolve: (value) => {
          if (!set!.delete(parked)) return;
          clearTimeout(parked.timer);
          this.parked--;
          if (set!.size === 0 && this.byTenant.get(tenantId) === set) this.byTenant.delete(tenantId);
          resolve(value);
        },
        timer: setTimeout(() => parked.resolve(false), timeoutMs),
      };
      set.add(parked);
      this.parked++;
      entry = parked;
    });
    return { woken, cancel: () => entry?.resolve(false) };
  }

  /** A commit of `tenantId` reached `lastOffset`: wake everyone waiting for less. */
  committed(tenantId: string, lastOffset: number): void {
    const set = this.byTenant.get(tenantId);
    if (!set) return;
    for (const parked of [...set]) if (parked.after < lastOffset) parked.resolve(true);
  }

  /** Shutdown: every waiter returns now, and new ones return at once. */
  close(): void {
    this.closed = true;
    for (const set of [...this.byTenant.values()]) for (const parked of [...set]) parked.resolve(false);
  }
}
