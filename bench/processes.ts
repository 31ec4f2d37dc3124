/**
 * Child processes of the benchmark: spawning Node scripts with their output in a log file, waiting for
 * them to answer HTTP, reading their memory, and stopping every one of them whatever happens.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { buildServer, serverBuild } from '../scripts/build-server.ts';

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

// Everything started and not yet gone, so that an error or Ctrl-C can still stop it.
const running = new Set<Child>();
// Other things to undo once the servers are gone (throwaway Postgres, NATS, temp dirs), last added first.
const cleanups: (() => void | Promise<void>)[] = [];

/** Registers work for stopAll to do after every child has stopped (e.g. stopping a database they used). */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

/** A port that was free a moment ago on loopback (the kernel picks it; the race is harmless here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a Node script to completion and returns its trimmed stdout (e.g. `token generate`). */
export function runNode(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export interface StartOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Flags for node itself (e.g. --cpu-prof), before the script. */
  nodeArgs?: string[];
}

/** Starts `node <args>` with stdout and stderr appended to logFile, keeping the terminal for the results. */
/**
 * V8 flags scripts/start, bin/agentry.js and `npm start` give the server (docs/performance.md, Memory): a young generation
 * capped at 16 MiB per semi-space instead of V8's up to 64 MiB on a large machine. The bench measures the
 * server as it runs in production.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=16'];

/**
 * The script that starts the server in production (scripts/start, the container image): the single-file
 * build, rebuilt here when older than its sources, so that the bench measures what runs (docs/performance.md, Memory).
 */
export const SERVER_ENTRY = 'dist/server/agentry.js';

/** Builds the server when stale and answers the absolute path of SERVER_ENTRY. */
export async function serverEntry(): Promise<string> {
  await buildServer();
  return serverBuild;
}

/**
 * Every rate limit far above any load the bench sends (enrolment included: one client IP enrols the whole
 * fleet), so that it measures the server, not its 429s. The limiter still runs and costs what it costs.
 */
export const UNLIMITED_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  ['IP', 'UNAUTHENTICATED', 'AGENT', 'OPERATOR', 'ADMIN'].flatMap((name) => [
    [`AGENTRY_RATE_LIMITS_${name}_RATE_PER_SEC`, '1000000000'],
    [`AGENTRY_RATE_LIMITS_${name}_BURST`, '1000000000'],
  ]),
);

/** This process's environment without anything that configures the server: the bench sets those itself. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const serverSettings = ['PORT', 'DATABASE_URL', 'NATS_URL', 'LOG_LEVEL', 'MALLOC_ARENA_MAX'];
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AGENTRY_') && !serverSettings.includes(k)));
}

/** Environment scripts/start, bin/agentry.js and the container image give the server (docs/performance.md, Memory). */
export const SERVER_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2' };

/** A benchmarked server's environment: as started in production (SERVER_ENV), rate limits out of the way, its database (and NATS), loopback, warnings only. */
export function benchServerEnv({ databaseUrl, natsUrl, port, adminToken }: { databaseUrl: string; natsUrl?: string | undefined; port: number; adminToken: string }): NodeJS.ProcessEnv {
  return {
    ...inheritedEnv(),
    ...SERVER_ENV,
    ...UNLIMITED_RATE_LIMITS,
    AGENTRY_DATABASE_URL: databaseUrl,
    ...(natsUrl ? { AGENTRY_NATS_URL: natsUrl } : {}),
    PORT: String(port),
    AGENTRY_SERVER_HOST: '127.0.0.1',
    AGENTRY_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
  };
}

export function startNode(name: string, args: string[], { cwd, env, logFile, nodeArgs = [] }: StartOptions): Child {
  const fd = openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child holds its own descriptor
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${process.execPath}`);
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const child: Child = {
    name,
    pid: proc.pid,
    logFile,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        // SIGTERM lets agentry drain and close its database (and write a --cpu-prof profile);
        // SIGKILL only if it does not finish in time.
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Stops every child, then runs the cleanups in reverse order; a failing cleanup does not stop the others. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Polls `url` until it answers 200; fails early when the child dies, and after timeoutMs. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  let gone: number | string | undefined;
  void child.exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${child.name} exited (${gone}) before answering ${url}\n${logTail(child.logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} did not answer 200 on ${url} within ${timeoutMs} ms (${last})\n${logTail(child.logFile)}`);
}

/** Resident set size in MiB from /proc (Linux only; null elsewhere or once the process is gone). */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) the process has used so far, in seconds, from /proc (Linux only; null elsewhere).
 * /proc counts in clock ticks, 100 per second on every common Linux build.
 */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU time of a process and its children so far, in seconds: the process's own time, what its reaped
 * children used (cutime + cstime), and the live children's own time. For Postgres (the postmaster and
 * its backends, checkpointer, WAL writer…) and nats-server. Null once the root is gone.
 */
export function treeCpuSeconds(rootPid: number): number | null {
  const read = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // From field 3 on (after the command name): ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / 100, reaped: (Number(f[13]) + Number(f[14])) / 100 };
    } catch {
      return null; // gone meanwhile
    }
  };
  const root = read(rootPid);
  if (!root) return null;
  let total = root.own + root.reaped;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === rootPid) continue;
    const child = read(pid);
    if (child?.ppid === rootPid) total += child.own;
  }
  return total;
}

/** Busy and total jiffies of the whole machine so far (first line of /proc/stat); null off Linux. */
export function machineTicks(): { busy: number; total: number } | null {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy, total: busy + idle! + iowait! };
  } catch {
    return null;
  }
}

/** The last lines of a log, to put in an error message. */
export function logTail(file: string, lines = 20): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return `--- last lines of ${file} ---\n${text}`;
  } catch {
    return `(no log at ${file})`;
  }
}
