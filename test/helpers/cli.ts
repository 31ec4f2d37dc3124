/**
 * Runs the real CLI as a child process: the single-file build that `scripts/start` and the container image
 * run (dist/server/agentry.js, built from the sources by the integration suites' global setup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const mainTs = resolve(import.meta.dirname, '../../src/main.ts');
export const serverBuild = resolve(import.meta.dirname, '../../dist/server/agentry.js');

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliProcess {
  const child = spawn(process.execPath, [serverBuild, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Whether the child is still running. */
export const alive = (p: CliProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

/** Waits until `url` (the child's /healthz or /healthz/ready) answers 200, failing at once, with the child's output, if it exits. */
export async function waitServing(p: CliProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(p)) throw new Error(`server exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.stderr()}\n${p.stdout()}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0, // not listening yet
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not 200 after ${timeoutMs} ms:\n${p.stderr()}\n${p.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
