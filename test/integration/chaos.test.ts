/**
 * The short fault-injection run (chaos/, `npm run chaos -- --short`) as part of the suite: two instances
 * under load through a NATS SIGKILL, a Postgres crash and a Postgres freeze must lose and duplicate no
 * acknowledged sample, answer every request without a 500, stay alive, and be ready again within 5 s of
 * each dependency returning. It starts its own Postgres and NATS (global setup makes CI fail when their
 * binaries are missing, so under CI=true this never skips).
 */
import { describe, expect, inject, it } from 'vitest';
import { runChaos } from '../../chaos/suite.ts';

describe.runIf(inject('pgUrl') !== null && inject('natsUrl') !== null)('fault injection (short)', () => {
  it('survives NATS and Postgres faults under load with nothing lost, duplicated or unanswered', async () => {
    const lines: string[] = [];
    const result = await runChaos({ short: true, agents: 12, faults: ['nats-kill', 'pg-crash', 'pg-freeze'], log: (l) => lines.push(l) });
    const summary = JSON.stringify({
      byStatus: result.byStatus,
      lost: result.lost,
      duplicated: result.duplicated,
      faults: result.faults,
      survived: result.survived,
      processes: result.processes,
      serverErrors: result.serverErrors,
      log: lines,
    });
    expect(result.ackedSamples, summary).toBeGreaterThan(1000);
    expect(result.failures, summary).toEqual([]);
  }, 240_000);
});
