/** Throwaway nats-server with JetStream (Debian's `nats-server`), on a loopback port with its store in a temp dir. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from './ports.ts';

export interface NatsServer {
  url: string;
  port: number;
  /** pid of the running nats-server (changes on start()). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** Kills the server with `signal` (SIGKILL: a crash), keeping its store for `start()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
}

export function natsAvailable(): boolean {
  return spawnSync('nats-server', ['--version']).status === 0;
}

export async function startNats(): Promise<NatsServer> {
  if (!natsAvailable()) throw new Error('nats-server not found (apt-get install nats-server)');
  const dir = mkdtempSync(join(tmpdir(), 'agentry-nats-'));
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const nc = await connect({ servers: url, timeout: 500, reconnect: false });
        await nc.close();
        return;
      } catch (err) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nats-server did not start: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    }
  };
  await launch();
  return {
    url,
    port,
    get pid() {
      return child.pid;
    },
    kill,
    start: launch,
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
