/**
 * The agent's command runner with a real outbox and real processes: output chunks then the ack, in order;
 * a timeout kills the whole process group; an unknown type is acked failed with the reason.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/agent/commands.ts';
import { ConfigurationState } from '../../src/agent/configuration.ts';
import { Outbox } from '../../src/agent/outbox.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-cmd-'));
  const outbox = new Outbox(join(dir, 'outbox.db'), 1000);
  const runner = new CommandRunner({
    agentId: 'a1',
    outbox,
    notify: () => {},
    config: new ConfigurationState(),
    stateDir: dir,
    log: pino({ level: 'silent' }),
    rotateKey: async () => ({ status: 'failed', error: 'no server in this test' }),
  });
  const sent = () => outbox.head(1000).map((i) => ({ kind: i.kind, path: i.path, body: JSON.parse(i.body) }));
  return { runner, sent };
}

describe('agent command runner', () => {
  it('streams stdout and stderr with byte offsets, then acks with the exit code', async () => {
    const { runner, sent } = setup();
    await runner.execute({ commandId: 'c1', type: 'run_command', payload: { cmd: 'printf "héllo\\n"; echo oops >&2; exit 3', shell: true, timeoutSec: 10 } });
    const items = sent();
    const chunks = items.filter((i) => i.kind === 'output').flatMap((i) => i.body.chunks);
    expect(chunks).toEqual(
      expect.arrayContaining([
        { offset: 0, stream: 'stdout', data: 'héllo\n' },
        { offset: 0, stream: 'stderr', data: 'oops\n' },
      ]),
    );
    const ack = items.at(-1)!;
    expect(ack.path).toBe('/api/v1/agent/a1/commands/c1/ack');
    expect(ack.body).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('kills the whole process group on timeout and acks timed_out', async () => {
    const { runner, sent } = setup();
    const marker = `${1000 + (process.pid % 1000)}.${Date.now() % 100000}`; // an unusual sleep length to find in ps
    const started = Date.now();
    // A background child that would outlive its parent shell unless the group is killed.
    await runner.execute({ commandId: 'c2', type: 'run_command', payload: { cmd: `sleep ${marker} & sleep ${marker}`, shell: true, timeoutSec: 1 } });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(sent().at(-1)!.body).toMatchObject({ status: 'timed_out' });
    const running = spawn('sleep', [marker]); // proves the ps check finds a live one
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).toContain(marker);
    running.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 2500)); // SIGKILL follows SIGTERM after 2 s when needed
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(marker));
    expect(left).toEqual([]);
  });

  it('acks a command of an unknown type as failed, naming the type', async () => {
    const { runner, sent } = setup();
    await runner.execute({ commandId: 'c3', type: 'reboot_now', payload: {} });
    expect(sent()).toEqual([{ kind: 'ack', path: '/api/v1/agent/a1/commands/c3/ack', body: expect.objectContaining({ status: 'failed', exitCode: null, error: 'unknown command type: reboot_now' }) }]);
  });
});
