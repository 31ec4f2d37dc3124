/** Periodic loops whose interval is read afresh before every wait, so that a new configuration applies at the next tick. */
import type { Logger } from 'pino';
import { KeyRejectedError } from './transport.ts';

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `task` now and then every `intervalMs()`; a failed run is logged and the loop goes on, except a
 * rejected key. The wait re-reads the interval every second, so a shorter one applies at once (not after
 * the long wait already begun).
 */
export async function every(name: string, intervalMs: () => number, task: () => Promise<void>, signal: AbortSignal, log: Logger): Promise<void> {
  while (!signal.aborted) {
    const started = Date.now();
    try {
      await task();
    } catch (err) {
      if (err instanceof KeyRejectedError) throw err;
      log.warn({ err, loop: name }, 'loop iteration failed');
    }
    for (let left = intervalMs() - (Date.now() - started); left > 0 && !signal.aborted; left = intervalMs() - (Date.now() - started)) {
      await sleep(Math.min(left, 1000), signal);
    }
  }
}
