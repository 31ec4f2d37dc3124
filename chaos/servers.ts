/**
 * agentry instances under test: the real CLI (`node src/main.ts serve`) as child processes on loopback,
 * sharing the database and the JetStream consumer, each logging to its own file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../test/helpers/ports.ts';

const mainTs = resolve(import.meta.dirname, '../src/main.ts');
const gcOnSignal = resolve(import.meta.dirname, 'gc-on-signal.ts');

export interface Instance {
  name: string;
  origin: string;
  logFile: string;
  child: ChildProcess;
  alive(): boolean;
  /** How the process ended (exit code or signal), or null while it runs. */
  exit(): string | null;
}

export interface InstanceEnv {
  databaseUrl: string;
  natsUrl: string;
  adminToken: string;
  stream: string;
  ackWaitSec: number;
}

export async function startInstance(name: string, dir: string, env: InstanceEnv): Promise<Instance> {
  const port = await freePort();
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--expose-gc', '--import', gcOnSignal, mainTs, 'serve'], {
    cwd: dir,
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      AGENTRY_DATABASE_URL: env.databaseUrl,
      AGENTRY_NATS_URL: env.natsUrl,
      AGENTRY_SERVER_HOST: '127.0.0.1',
      AGENTRY_SERVER_PORT: String(port),
      AGENTRY_ADMIN_TOKEN: env.adminToken,
      AGENTRY_RATE_LIMITS_ENABLED: 'false',
      AGENTRY_LOG_LEVEL: 'warn',
      AGENTRY_LOG_REQUESTS: 'false',
      AGENTRY_INGEST_STREAM_NAME: env.stream,
      AGENTRY_INGEST_STREAM_ACK_WAIT_SEC: String(env.ackWaitSec),
    },
  });
  closeSync(fd);
  const instance: Instance = {
    name,
    origin: `http://127.0.0.1:${port}`,
    logFile,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    exit: () => (child.exitCode !== null ? `exit ${child.exitCode}` : child.signalCode !== null ? child.signalCode : null),
  };
  const deadline = Date.now() + 30_000;
  while ((await readiness(instance)) !== 200) {
    if (!instance.alive()) throw new Error(`${name} exited at start (${instance.exit()}); see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready after 30 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return instance;
}

/** /healthz/ready's status, or 0 when the instance does not answer. */
export async function readiness(instance: Instance): Promise<number> {
  try {
    const res = await fetch(`${instance.origin}/healthz/ready`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

export interface ProcessGauges {
  rssBytes: number;
  heapUsedBytes: number;
  /** Active resources keeping the event loop alive (timers, servers, pending requests), sockets excluded... */
  handles: number;
  /** ...and the sockets, mostly the load generator's keep-alive connections (as many as it ever had at once). */
  sockets: number;
  queueDepth: number;
  /** Acknowledged messages this instance purged from below the ack floor so far. */
  ackFloorPurged: number;
}

/**
 * What the instance says of itself on /metrics (prom-client's process and Node gauges, the ingest queue),
 * after a full garbage collection (see gc-on-signal.ts).
 */
export async function processGauges(instance: Instance, collect = true): Promise<ProcessGauges> {
  if (collect) {
    instance.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 500));
  }
  const text = await (await fetch(`${instance.origin}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const value = (series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1).split(' ')[0]) : Number.NaN;
  };
  let sockets = 0;
  let other = 0;
  for (const line of text.split('\n')) {
    const m = /^nodejs_active_resources\{type="([^"]+)"\} (\d+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'TCPSocketWrap') sockets += Number(m[2]);
    else other += Number(m[2]);
  }
  return {
    rssBytes: value('process_resident_memory_bytes'),
    heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    handles: other,
    sockets,
    queueDepth: value('ingest_queue_depth'),
    ackFloorPurged: value('ingest_stream_ack_floor_purged_total'),
  };
}

export async function stopInstance(instance: Instance): Promise<void> {
  if (!instance.alive()) return;
  const exited = new Promise((r) => instance.child.once('exit', r));
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
