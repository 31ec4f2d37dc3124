/**
 * Who writes next, between the request thread's connection and the ingestion writer thread's. Both write
 * the same SQLite file, and SQLite lets one transaction write at a time: the other waits in its busy
 * handler, which polls by sleeping 1, 2, 5, 10, 15, 20, 25… ms. On the request thread that sleep stops all
 * request handling, and it overshoots: a write lock freed after 3 ms is seen after 8. So the two threads
 * take turns through a lock word in shared memory first: a request-thread write waits (Atomics.wait, woken
 * the moment the batch commits) for at most the batch being written, and goes before the next batch,
 * which waits while a request-thread write is waiting. SQLite's own locking stays underneath (other
 * processes, and a thread that died holding the word: the waits are bounded).
 */
const FREE = 0;
const REQUEST_THREAD = 1;
const WRITER_THREAD = 2;
/** Int32 slots: the lock word, and how many request-thread writes wait for it. */
const LOCK = 0;
const WAITING = 1;

export class WriteGate {
  readonly shared: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly maxWaitMs: number;

  constructor(maxWaitMs: number, shared = new SharedArrayBuffer(8)) {
    this.shared = shared;
    this.words = new Int32Array(shared);
    this.maxWaitMs = maxWaitMs;
  }

  /** Runs a request-thread write transaction once the writer thread's batch (if one is being written) has committed. */
  requestThread<T>(work: () => T): T {
    Atomics.add(this.words, WAITING, 1);
    try {
      const until = performance.now() + this.maxWaitMs;
      for (;;) {
        const held = Atomics.compareExchange(this.words, LOCK, FREE, REQUEST_THREAD);
        if (held === FREE) break;
        const left = until - performance.now();
        if (left <= 0) return work(); // SQLite's busy handler takes over
        Atomics.wait(this.words, LOCK, held, left);
      }
    } finally {
      Atomics.sub(this.words, WAITING, 1);
    }
    try {
      return work();
    } finally {
      this.release(REQUEST_THREAD);
    }
  }

  /** Runs a writer-thread batch once no request-thread write holds or waits for the turn. */
  writerThread<T>(work: () => T): T {
    const until = performance.now() + this.maxWaitMs;
    while (Atomics.load(this.words, WAITING) > 0 || Atomics.compareExchange(this.words, LOCK, FREE, WRITER_THREAD) !== FREE) {
      if (performance.now() > until) return work();
      Atomics.wait(this.words, LOCK, Atomics.load(this.words, LOCK), 1);
    }
    try {
      return work();
    } finally {
      this.release(WRITER_THREAD);
    }
  }

  /** Frees a turn the writer thread held when it died. */
  writerThreadDied(): void {
    this.release(WRITER_THREAD);
  }

  private release(holder: number): void {
    if (Atomics.compareExchange(this.words, LOCK, holder, FREE) === holder) Atomics.notify(this.words, LOCK);
  }
}
