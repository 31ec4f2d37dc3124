/**
 * Runs background jobs on an interval: one run at a time per job, failures logged (the next tick tries
 * again), timers unref'd so they never keep the process alive, and a stop that waits for running jobs.
 */
import type { Logger } from '../observability/logger.ts';
import { safeErrorMessage } from '../observability/error-serializer.ts';

export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

export class WorkerRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly log: Logger;
  private stopped = false;
  /** Last failure per job (readiness and /metrics may show it). */
  readonly lastError = new Map<string, string>();

  constructor(log: Logger) {
    this.log = log;
  }

  start(job: Job): void {
    let busy = false;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const p = job
        .run()
        .then(() => void this.lastError.delete(job.name))
        .catch((err: unknown) => {
          this.lastError.set(job.name, safeErrorMessage(err));
          this.log.error({ err, job: job.name }, 'background job failed');
        })
        .finally(() => {
          busy = false;
          this.running.delete(p);
        });
      this.running.add(p);
    };
    const timer = setInterval(tick, job.intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running]);
  }
}
