/**
 * The server and the reference agent as real child processes (the single-file build, `agentry serve|agent`), for
 * end-to-end tests on loopback: the server on a fixed port and SQLite file so that it can be stopped and
 * started again, the agent with its own state dir.
 */
import { runCli, waitForHttp, type CliProcess } from './cli.ts';

export interface ServerProcess {
  url: string;
  proc: CliProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServerProcess(opts: { port: number; databaseUrl: string; adminToken: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = runCli(['serve'], {
    env: { AGENTRY_DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), AGENTRY_SERVER_HOST: '127.0.0.1', AGENTRY_ADMIN_TOKEN: opts.adminToken, LOG_LEVEL: 'warn', ...opts.env },
  });
  const ready = await Promise.race([waitForHttp(`${url}/healthz`, 60_000).then(() => true), proc.exited.then(() => false)]);
  if (!ready) throw new Error(`server exited early: ${proc.stderr()}${proc.stdout()}`);
  return { url, proc, stop: (signal = 'SIGTERM') => stopProcess(proc, signal) };
}

export function startAgentProcess(args: string[]): CliProcess {
  return runCli(['agent', ...args], { env: { LOG_LEVEL: 'info' } });
}

export async function stopProcess(proc: CliProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what` after the timeout. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
