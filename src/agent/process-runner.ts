/**
 * Runs a program in its own process group, streams its stdout and stderr as ordered chunks (byte offsets
 * in UTF-8, never splitting a character), and on timeout or cancel kills the whole group: SIGTERM, then
 * SIGKILL two seconds later, so that children the command started die with it.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface Chunk {
  offset: number;
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  error?: string;
}

export interface RunSpec {
  cmd: string;
  args?: string[];
  shell?: boolean;
  env?: Record<string, string>;
  workingDir?: string;
  timeoutSec: number;
}

/** Output is handed over in chunks of at most this many characters (the contract allows 65,536). */
const CHUNK_CHARS = 16_384;

export function runProcess(spec: RunSpec, onChunk: (chunk: Chunk) => void, cancel: AbortSignal): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const child = spec.shell
      ? spawn('/bin/sh', ['-c', [spec.cmd, ...(spec.args ?? [])].join(' ')], { detached: true, cwd: spec.workingDir, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(spec.cmd, spec.args ?? [], { detached: true, cwd: spec.workingDir, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let cancelled = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return; // already gone
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone after SIGTERM
        }
      }, 2000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, spec.timeoutSec * 1000);
    const onCancel = () => {
      cancelled = true;
      killGroup();
    };
    cancel.addEventListener('abort', onCancel, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      let offset = 0;
      const emit = (text: string) => {
        for (let i = 0; i < text.length; i += CHUNK_CHARS) {
          let part = text.slice(i, i + CHUNK_CHARS);
          // Do not cut a surrogate pair in two.
          if (/[\uD800-\uDBFF]$/.test(part) && i + CHUNK_CHARS < text.length) {
            part = part.slice(0, -1);
            i--;
          }
          onChunk({ offset, stream, data: part });
          offset += Buffer.byteLength(part);
        }
      };
      child[stream].on('data', (buf: Buffer) => emit(decoder.write(buf)));
      child[stream].on('end', () => emit(decoder.end()));
    }
    let spawnError: string | undefined;
    child.once('error', (err) => (spawnError = err.message));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
      resolve({ exitCode: code ?? (signal ? 128 + (osSignals[signal] ?? 0) : null), timedOut, cancelled, error: spawnError });
    });
  });
}

const osSignals: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGHUP: 1 };
