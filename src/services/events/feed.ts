/**
 * The event feed's runtime: commits wake local waiters at once and are fanned out to other instances
 * (when NATS is configured); wake-ups from other instances arrive through `remoteCommitted`.
 */
import type { CommittedEvents } from '../../domain/event.ts';
import type { Repositories } from '../../repositories/types.ts';
import { EventNotifier } from './notifier.ts';

export interface FeedObserver {
  published(count: number): void;
}

export class EventFeed {
  readonly notifier = new EventNotifier();
  private readonly forward: ((committed: CommittedEvents[]) => void)[] = [];
  private readonly observers: ((c: CommittedEvents) => void)[] = [];
  private streams = 0;

  constructor(repos: Repositories, observer?: FeedObserver) {
    repos.onEventsCommitted((committed) => {
      for (const c of committed) {
        this.notifier.committed(c.tenantId, c.lastOffset);
        observer?.published(c.count);
        for (const o of this.observers) o(c);
      }
      for (const f of this.forward) f(committed);
    });
  }

  /** Also send local commits elsewhere (the NATS fan-out). */
  forwardTo(send: (committed: CommittedEvents[]) => void): void {
    this.forward.push(send);
  }

  /** Tells `listener` of every commit, on this instance or (through the fan-out) on another. */
  onCommit(listener: (c: CommittedEvents) => void): void {
    this.observers.push(listener);
  }

  remoteCommitted(c: CommittedEvents): void {
    this.notifier.committed(c.tenantId, c.lastOffset);
    for (const o of this.observers) o(c);
  }

  /** Open event streams, for the gauge. */
  get openStreams(): number {
    return this.streams;
  }

  streamOpened(): () => void {
    this.streams++;
    let done = false;
    return () => {
      if (!done) this.streams--;
      done = true;
    };
  }

  close(): void {
    this.notifier.close();
  }
}
