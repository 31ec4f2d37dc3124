/**
 * SIGTERM, as a container runtime sends it, to the server as a real process: requests in flight are
 * answered (ingestion waiting in the batcher gets its 202 after the batch commits, a parked long poll
 * answers at once), the process exits 0, and every sample acknowledged is in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/services/secrets.ts';
import { runCli, type CliProcess } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-sigterm-'));
const processes: CliProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REQUESTS = 40;
const SAMPLES = 10;

async function queueDepth(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^ingest_queue_depth (\S+)$/m.exec(text)?.[1] ?? 0);
}

describe('SIGTERM', () => {
  it('answers requests in flight, commits queued batches, then exits 0', async () => {
    const dbFile = join(dir, 'agentry.db');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const adminToken = generateSecret('opk');
    const server = runCli(['serve'], {
      env: {
        AGENTRY_DATABASE_URL: `sqlite:${dbFile}`,
        AGENTRY_SERVER_HOST: '127.0.0.1',
        AGENTRY_SERVER_PORT: String(port),
        AGENTRY_ADMIN_TOKEN: adminToken,
        AGENTRY_RATE_LIMITS_ENABLED: 'false',
        AGENTRY_LOG_REQUESTS: 'false',
        // Batches wait up to a second for more rows: at the signal, acknowledged work is still queued.
        AGENTRY_INGEST_FLUSH_INTERVAL_MS: '1000',
        AGENTRY_INGEST_FLUSH_MAX_ROWS: '100000',
      },
    });
    processes.push(server);
    for (let i = 0; ; i++) {
      if (
        (await fetch(`${origin}/healthz/ready`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      )
        break;
      if (i > 300 || server.child.exitCode !== null) throw new Error(`server did not start:\n${server.stderr()}`);
      await sleep(100);
    }
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const secret = ((await (await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'fleet' }) })).json()) as { secret: string }).secret;
    const enrolled = await fetch(`${origin}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: secret, hostname: 'sigterm', os: 'linux', arch: 'x86_64', agentVersion: '1.0.0', capabilities: ['inventory'] }),
    });
    const agent = (await enrolled.json()) as { agentId: string; apiKey: string };

    const base = Date.now() - 60_000;
    const ingests = Array.from({ length: REQUESTS }, (_, r) =>
      fetch(`${origin}/api/v1/agent/${agent.agentId}/inventory`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey },
        body: JSON.stringify({ samples: Array.from({ length: SAMPLES }, (_, s) => ({ metric: 'sigterm', value: s, ts: new Date(base + r * SAMPLES + s).toISOString() })) }),
      }).then((res) => res.status),
    );
    // A long poll parked with nothing to wait for but the shutdown.
    const poll = fetch(`${origin}/api/v1/events?wait=30&types=command_cancelled`, { headers: admin }).then((res) => res.status);
    // Every request reached the batcher, none is committed yet.
    for (let i = 0; (await queueDepth(origin)) < REQUESTS * SAMPLES; i++) {
      if (i > 50) throw new Error(`queue depth stayed at ${await queueDepth(origin)}`);
      await sleep(20);
    }
    const signalled = performance.now();
    server.child.kill('SIGTERM');

    expect(await Promise.all(ingests)).toEqual(Array(REQUESTS).fill(202));
    expect([200, 204]).toContain(await poll);
    expect(await server.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(10_000);
    expect(server.stdout()).toContain('shutdown complete');
    await expect(fetch(`${origin}/healthz/live`)).rejects.toThrow();

    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const { n } = db.prepare("select count(*) as n from telemetry_points p join telemetry_series s on s.id = p.series_id where s.metric = 'sigterm'").get() as { n: number };
      expect(n).toBe(REQUESTS * SAMPLES);
    } finally {
      db.close();
    }
  }, 60_000);
});
