/**
 * What one Postgres statement costs the server, back to back and after the machine has idled:
 * `node bench/pg-round-trip.ts [--count 60] [--gap-ms 100]`. Starts a throwaway cluster (durable commits,
 * as in the bench), migrates it, and times `select 1` and an idempotency claim (one insert and its commit,
 * through the server's own repository) with no pause between them, then with `--gap-ms` of idleness
 * before each. On a machine whose cores sleep when idle, the second figure includes waking them: that is
 * what a single command sent to an idle server pays per round trip (docs/performance.md). Also times a
 * delivery of one pending command to one agent (the poll's release, its event and the commit, through the
 * server's repositories), the path of a poll that finds work without a hand-over.
 */
import { parseArgs } from 'node:util';
import { migratePostgres, openPostgres } from '../src/repositories/postgres/db.ts';
import { PgIdempotencyRepository } from '../src/repositories/postgres/idempotency.ts';
import { openRepositories } from '../src/repositories/index.ts';
import type { Command } from '../src/domain/command.ts';
import { newAgentRecord } from '../src/services/agents/records.ts';
import { executionsFor, executionUpdated } from '../src/services/commands/records.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { newId } from '../src/services/ids.ts';
import { startPostgres } from './infra.ts';
import { stopAll } from './processes.ts';

const { values: args } = parseArgs({ options: { count: { type: 'string', default: '60' }, 'gap-ms': { type: 'string', default: '100' } } });
const count = Number(args.count);
const gapMs = Number(args['gap-ms']);
if (!Number.isInteger(count) || count < 2 || !(gapMs >= 0)) throw new Error('--count takes an integer ≥ 2, --gap-ms a number ≥ 0');

const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(gap: number, work: (i: number) => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (gap > 0) await new Promise((r) => setTimeout(r, gap));
    const started = performance.now();
    await work(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return `p50 ${ms(times[Math.floor(count / 2)]!)}, p95 ${ms(times[Math.floor(count * 0.95)]!)}`;
}

async function main(): Promise<void> {
  try {
    const databaseUrl = await startPostgres();
    const pool = openPostgres(databaseUrl, 4);
    await migratePostgres(pool.db);
    const claims = new PgIdempotencyRepository(pool);
    let n = 0;
    const claim = () => {
      const now = new Date();
      return claims.claim(
        { scope: 'bench', key: `k${n++}`, operationId: 'createCommand', requestHash: '0'.repeat(64), lockedUntil: new Date(now.getTime() + 60_000), expiresAt: new Date(now.getTime() + 3_600_000) },
        now,
      );
    };
    for (const gap of [0, gapMs]) {
      const label = gap === 0 ? 'back to back' : `after ${gap} ms idle`;
      console.log(`${label}: select 1 ${await timed(gap, () => pool.db.$client.unsafe('select 1'))}; idempotency claim ${await timed(gap, claim)}`);
    }
    await pool.db.$client.end();

    const repos = await openRepositories({ url: databaseUrl, poolSize: 4, busyTimeoutMs: 2000 });
    const tenantId = newId();
    await repos.tenants.create({ id: tenantId, name: 'bench', createdAt: new Date() }, {});
    const agent = newAgentRecord({ id: newId(), tenantId, sectionId: null, name: 'bench', hostname: 'bench', enrolledVia: 'secret', capabilities: ['run_command'] }, new Date());
    await repos.agents.insert(agent, {});
    // executionUpdated reads only the clock of a service context.
    const clock = { now: () => new Date() } as ServiceContext;
    const pending = async () => {
      const now = new Date();
      const command: Command = {
        id: newId(),
        tenantId,
        type: 'run_command',
        payload: { cmd: 'true', timeoutSec: 5 },
        targets: { agentIds: [agent.id] },
        ttlSec: 600,
        notBefore: null,
        expiresAt: new Date(now.getTime() + 600_000),
        maxConcurrency: null,
        maxErrors: null,
        createdBy: null,
        createdAt: now,
      };
      await repos.commands.create(command, executionsFor(command, [agent]), {});
    };
    for (const gap of [0, gapMs]) {
      const label = gap === 0 ? 'back to back' : `after ${gap} ms idle`;
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        await pending();
        if (gap > 0) await new Promise((r) => setTimeout(r, gap));
        const started = performance.now();
        const delivered = await repos.commands.deliver(tenantId, [agent.id], new Date(), 100, (released) => ({ events: released.map((e) => executionUpdated(clock, e)) }));
        times.push(performance.now() - started);
        if (delivered.get(agent.id)?.length !== 1) throw new Error('the delivery found no command');
      }
      times.sort((a, b) => a - b);
      console.log(`${label}: a delivery of one command p50 ${ms(times[Math.floor(count / 2)]!)}, p95 ${ms(times[Math.floor(count * 0.95)]!)}`);
    }
    await repos.close();
  } finally {
    await stopAll();
  }
}

await main();
