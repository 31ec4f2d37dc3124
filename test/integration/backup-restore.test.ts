/**
 * `agentry backup` and `agentry restore` on SQLite, as operators run them: the server is a real process
 * taking HTTP ingestion from concurrent agent loops; the backup runs (another process) while requests are
 * in flight; the backup is restored into a fresh directory and a server started on it must hold every
 * sample acknowledged (202) before the backup began. Restoring over the database of a running server is
 * refused.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/services/secrets.ts';
import { alive, runCli, waitServing, type CliProcess } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

const AGENTS = 8;
const LOOPS = 16;
const SAMPLES_PER_REQUEST = 10;
const METRIC = 'backup.load';
/** Load before the backup starts, and at least this long after it ends. */
const LOAD_BEFORE_MS = 1500;
const LOAD_AFTER_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
const processes: CliProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (alive(p)) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'agentry-backup-'));
  dirs.push(d);
  return d;
}

async function serve(env: Record<string, string>, origin: string): Promise<CliProcess> {
  const p = runCli(['serve'], { env });
  processes.push(p);
  await waitServing(p, `${origin}/healthz/ready`);
  return p;
}

async function stop(p: CliProcess): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}

function serverEnv(dbFile: string, port: number, adminToken: string): Record<string, string> {
  return {
    AGENTRY_DATABASE_URL: `sqlite:${dbFile}`,
    AGENTRY_SERVER_HOST: '127.0.0.1',
    AGENTRY_SERVER_PORT: String(port),
    AGENTRY_ADMIN_TOKEN: adminToken,
    AGENTRY_RATE_LIMITS_ENABLED: 'false',
    AGENTRY_LOG_LEVEL: 'warn',
    AGENTRY_LOG_REQUESTS: 'false',
  };
}

/** Stored samples of the load metric, as `agentId/tsMs`. */
function storedSamples(dbFile: string): Set<string> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select s.agent_id as agentId, p.ts as ts from telemetry_points p join telemetry_series s on s.id = p.series_id where s.metric = ?').all(METRIC) as { agentId: string; ts: number }[];
    return new Set(rows.map((r) => `${r.agentId}/${r.ts}`));
  } finally {
    db.close();
  }
}

describe('agentry backup and restore (SQLite)', () => {
  it('backs up under ingestion, restores into a fresh directory, and a server there has every sample acknowledged before the backup', async () => {
    const live = tempDir();
    const liveDb = join(live, 'agentry.db');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const adminToken = generateSecret('opk');
    const env = serverEnv(liveDb, port, adminToken);
    const server = await serve(env, origin);
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

    const secret = ((await (await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'fleet' }) })).json()) as { secret: string }).secret;
    const agents: { agentId: string; apiKey: string }[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const res = await fetch(`${origin}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: secret, hostname: `backup-${i}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0', capabilities: ['heartbeat', 'inventory'] }),
      });
      expect(res.status).toBe(201);
      agents.push((await res.json()) as { agentId: string; apiKey: string });
    }

    // Every loop sends its own agent's samples at distinct timestamps; a sample counts as acknowledged when its 202 arrives.
    const acked: string[] = [];
    let otherStatuses = 0;
    let stopLoad = false;
    const base = Date.now() - 3_600_000;
    let next = 0;
    const loop = async (l: number) => {
      const agent = agents[l % AGENTS]!;
      while (!stopLoad) {
        const ts = Array.from({ length: SAMPLES_PER_REQUEST }, () => base + next++);
        const res = await fetch(`${origin}/api/v1/agent/${agent.agentId}/inventory`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey },
          body: JSON.stringify({ samples: ts.map((t) => ({ metric: METRIC, value: t % 1000, ts: new Date(t).toISOString() })) }),
        });
        await res.arrayBuffer();
        if (res.status === 202) for (const t of ts) acked.push(`${agent.agentId}/${t}`);
        else otherStatuses++;
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, l) => loop(l));
    await sleep(LOAD_BEFORE_MS);

    // The backup, from its own process, while requests are in flight.
    const backupFile = join(tempDir(), 'agentry-backup.db');
    const ackedBeforeBackup = acked.slice();
    const backup = runCli(['backup', '--out', backupFile], { env });
    processes.push(backup);
    const backupExit = await backup.exited;
    const ackedDuringBackup = acked.length - ackedBeforeBackup.length;
    await sleep(LOAD_AFTER_MS);
    stopLoad = true;
    await Promise.all(loops);
    expect({ code: backupExit, stderr: backup.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(backup.stdout()).toContain(`written to ${backupFile}`);
    expect(otherStatuses).toBe(0);
    expect(ackedBeforeBackup.length).toBeGreaterThan(500);
    // Ingestion went on while the backup ran: it blocked no writer.
    expect(ackedDuringBackup).toBeGreaterThan(0);

    // Restoring over the running server's database is refused, and changes nothing.
    const refused = runCli(['restore', '--from', backupFile, '--force'], { env });
    processes.push(refused);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toContain('in use by a running agentry server');
    expect(existsSync(`${liveDb}.pre-restore`)).toBe(false);
    expect(await stop(server)).toBe(0);

    // Restore into a fresh directory (created by the restore), start a server there.
    const fresh = join(tempDir(), 'restored');
    const restoredDb = join(fresh, 'agentry.db');
    const restoredEnv = serverEnv(restoredDb, port, adminToken);
    const restore = runCli(['restore', '--from', backupFile], { env: restoredEnv });
    processes.push(restore);
    expect({ code: await restore.exited, stderr: restore.stderr() }).toEqual({ code: 0, stderr: '' });
    const restored = await serve(restoredEnv, origin);
    const list = await fetch(`${origin}/api/v1/agents?limit=100`, { headers: admin });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(AGENTS);
    const one = agents[0]!;
    const latest = await fetch(`${origin}/api/v1/agents/${one.agentId}/telemetry/latest`, { headers: admin });
    expect(latest.status).toBe(200);

    const stored = storedSamples(restoredDb);
    const missing = ackedBeforeBackup.filter((s) => !stored.has(s));
    expect(missing).toEqual([]);
    // Nothing that was never acknowledged or sent appears: the backup is the database as of one commit.
    expect(stored.size).toBeLessThanOrEqual(acked.length);
    expect(await stop(restored)).toBe(0);
    console.log(`backup under load: ${ackedBeforeBackup.length} samples acknowledged before it, ${ackedDuringBackup} while it ran, ${stored.size} in the backup`);
  }, 120_000);

  it('refuses a file that is not an agentry database, and an existing database without --force', async () => {
    const dir = tempDir();
    const env = { AGENTRY_DATABASE_URL: `sqlite:${join(dir, 'agentry.db')}`, AGENTRY_LOG_LEVEL: 'warn' };
    const notADatabase = runCli(['restore', '--from', '/etc/hostname'], { env });
    expect(await notADatabase.exited).toBe(2);
    expect(notADatabase.stderr()).toContain('not a readable SQLite database');
    const migrate = runCli(['migrate'], { env });
    expect(await migrate.exited).toBe(0);
    const backupFile = join(dir, 'copy.db');
    const backup = runCli(['backup', '--out', backupFile], { env });
    expect(await backup.exited).toBe(0);
    const over = runCli(['restore', '--from', backupFile], { env });
    expect(await over.exited).toBe(2);
    expect(over.stderr()).toContain('pass --force to replace it');
    const forced = runCli(['restore', '--from', backupFile, '--force'], { env });
    expect(await forced.exited).toBe(0);
    expect(existsSync(join(dir, 'agentry.db.pre-restore'))).toBe(true);
  }, 60_000);

  it('points Postgres users to pg_dump', async () => {
    const p = runCli(['backup', '--out', '/tmp/never.db'], { env: { AGENTRY_DATABASE_URL: 'postgres://127.0.0.1:1/none' } });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('use pg_dump / pg_restore');
  });
});
