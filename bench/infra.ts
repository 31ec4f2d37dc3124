/**
 * Throwaway infrastructure for a bench run: a Postgres cluster (initdb in a temp dir, loopback port) and a
 * JetStream nats-server (store in a temp dir). Both are registered with onCleanup, so stopAll removes
 * them after agentry has stopped, on success, failure or Ctrl-C alike.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort, onCleanup, treeCpuSeconds } from './processes.ts';

/** Root processes of the infrastructure this run started (none with --database-url or without --nats). */
const started: { postgres?: number; nats?: number } = {};

/**
 * CPU seconds used so far by the Postgres cluster (postmaster and all its processes) and by nats-server,
 * when this run started them: they share the cores with agentry, so their work per request counts too.
 */
export function infraCpuSeconds(): { postgres: number | null; nats: number | null } {
  return {
    postgres: started.postgres === undefined ? null : treeCpuSeconds(started.postgres),
    nats: started.nats === undefined ? null : treeCpuSeconds(started.nats),
  };
}

const asRoot = process.getuid?.() === 0;

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (or pass --database-url)');
}

/** Runs a Postgres binary, as the `postgres` user when we are root (Postgres refuses to run as root). */
function pgRun(bin: string, args: string[]): void {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/**
 * Starts a fresh cluster and returns the URL of an empty `agentry_bench` database. Commits are durable as
 * in production (fsync on, synchronous_commit on: a 202 means the batch is on disk); only the bulk seeding
 * session turns synchronous_commit off for itself. Enough WAL and memory that seeding neither checkpoints
 * constantly nor spills its index build.
 */
export async function startPostgres(): Promise<string> {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bench-pg-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  pgRun(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const opts = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    '-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min -c work_mem=64MB -c maintenance_work_mem=512MB',
  ].join(' ');
  pgRun(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', 'start']);
  // Registered after the start succeeded; runs before the directory removal above (last added first).
  onCleanup(() => pgRun(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']));
  started.postgres = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe('create database agentry_bench');
  } finally {
    await admin.end();
  }
  return `postgres://postgres@127.0.0.1:${port}/agentry_bench`;
}

/** Starts `nats-server -js` on a loopback port and returns its URL once it accepts connections. */
export async function startNats(): Promise<string> {
  if (spawnSync('nats-server', ['--version']).status !== 0) throw new Error('nats-server not found (apt-get install nats-server)');
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bench-nats-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  started.nats = child.pid;
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}) at start`);
    if (Date.now() > deadline) throw new Error('nats-server did not accept connections within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return `nats://127.0.0.1:${port}`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
