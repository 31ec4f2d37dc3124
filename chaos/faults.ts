/**
 * The faults, each ending when the dependency is back, and the measure of recovery: how long after that
 * every instance answers /healthz/ready with 200 again.
 */
import type { Infra } from './infra.ts';
import { readiness, type Instance } from './servers.ts';

export type FaultKind = 'nats-kill' | 'pg-crash' | 'pg-freeze';

export const FAULTS: Record<FaultKind, { title: string; inject(infra: Infra): Promise<void> }> = {
  'nats-kill': {
    title: 'NATS SIGKILL, restarted after 3 s',
    async inject(infra) {
      await infra.nats.kill('SIGKILL');
      await sleep(3000);
      await infra.nats.start();
    },
  },
  'pg-crash': {
    title: 'Postgres crash (pg_ctl stop -m immediate), then start',
    async inject(infra) {
      infra.pg.halt();
      await sleep(1000);
      // pg_ctl start -w: returns once the server accepts connections (after crash recovery).
      infra.pg.start();
    },
  },
  'pg-freeze': {
    title: 'Postgres SIGSTOP for 5 s, then SIGCONT',
    async inject(infra) {
      infra.signalPostgres('SIGSTOP');
      await sleep(5000);
      infra.signalPostgres('SIGCONT');
    },
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds until every instance is ready again, or null if one is not within `limitMs`. */
export async function readinessRecovery(instances: Instance[], limitMs = 30_000): Promise<number | null> {
  const back = performance.now();
  const pending = new Set(instances);
  while (pending.size > 0) {
    for (const instance of [...pending]) if ((await readiness(instance)) === 200) pending.delete(instance);
    if (pending.size === 0) break;
    if (performance.now() - back > limitMs) return null;
    await sleep(100);
  }
  return Math.round(performance.now() - back);
}
