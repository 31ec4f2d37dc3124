/**
 * Commands: long-polls `GET /agent/{id}/commands?wait=30`, runs each command it is given, and sends its
 * output chunks and final ack through the outbox (in order: every chunk before the ack). Types the agent
 * does not know, or that its configuration does not allow, are acked `failed` with the reason.
 */
import type { Logger } from 'pino';
import { backoffMs } from '../sdk/retrying-fetch.ts';
import type { ConfigurationState } from './configuration.ts';
import type { RotationOutcome } from './key-rotation.ts';
import { sleep } from './loops.ts';
import type { Outbox } from './outbox.ts';
import { runProcess, type ProcessOutcome, type RunSpec } from './process-runner.ts';
import type { Transport } from './transport.ts';
import { packageCommand, downloadAgentUpdate } from './updates.ts';

export interface DeliveredCommand {
  commandId: string;
  type: string;
  payload: Record<string, unknown>;
}

interface Ack {
  status: 'succeeded' | 'failed' | 'timed_out';
  exitCode: number | null;
  error?: string;
}

export class CommandRunner {
  readonly running = new Map<string, AbortController>();
  #agentId: string;
  #outbox: Outbox;
  #notify: () => void;
  #config: ConfigurationState;
  #stateDir: string;
  #log: Logger;
  #rotateKey: () => Promise<RotationOutcome>;

  /** `rotateKey` rotates the agent's own key and switches its transport to the new one (see key-rotation.ts). */
  constructor(opts: { agentId: string; outbox: Outbox; notify: () => void; config: ConfigurationState; stateDir: string; log: Logger; rotateKey: () => Promise<RotationOutcome> }) {
    this.#agentId = opts.agentId;
    this.#outbox = opts.outbox;
    this.#notify = opts.notify;
    this.#config = opts.config;
    this.#stateDir = opts.stateDir;
    this.#log = opts.log;
    this.#rotateKey = opts.rotateKey;
  }

  /** Polls until the signal aborts; a KeyRejectedError from the transport ends it. */
  async poll(transport: Transport, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const answer = await transport.request('GET', `/api/v1/agent/${this.#agentId}/commands?wait=30`, { timeoutMs: 45_000, signal });
      if (!answer.ok) {
        failures++;
        await sleep(answer.retryAfterMs ?? backoffMs(Math.min(failures, 8), 500, 60_000), signal);
        continue;
      }
      failures = 0;
      const batch = answer.body as { commands: DeliveredCommand[]; cancel: string[] }; // the contract's AgentCommandBatch
      for (const id of batch.cancel) this.running.get(id)?.abort();
      for (const command of batch.commands) void this.execute(command);
    }
  }

  async execute(command: DeliveredCommand): Promise<void> {
    const startedAt = new Date().toISOString();
    const cancel = new AbortController();
    this.running.set(command.commandId, cancel);
    let ack: Ack;
    try {
      ack = await this.#dispatch(command, cancel.signal);
    } catch (err) {
      ack = { status: 'failed', exitCode: null, error: (err instanceof Error ? err.message : String(err)).slice(0, 4096) };
    } finally {
      this.running.delete(command.commandId);
    }
    this.#log.info({ commandId: command.commandId, type: command.type, status: ack.status, exitCode: ack.exitCode }, 'command finished');
    this.#outbox.push('ack', `/api/v1/agent/${this.#agentId}/commands/${command.commandId}/ack`, { ...ack, startedAt, finishedAt: new Date().toISOString() });
    this.#notify();
  }

  #dispatch(command: DeliveredCommand, cancel: AbortSignal): Promise<Ack> {
    const settings = this.#config.current;
    if (!['run_command', 'update_package', 'update_agent', 'rotate_key'].includes(command.type)) return Promise.resolve({ status: 'failed', exitCode: null, error: `unknown command type: ${command.type}` });
    if (!settings.allowedCommandTypes.includes(command.type)) return Promise.resolve({ status: 'failed', exitCode: null, error: `command type ${command.type} is not allowed by this agent's configuration` });
    // The ack is queued after this returns, so it goes out with the new key.
    if (command.type === 'rotate_key') return this.#rotateKey().then((r) => ({ status: r.status, exitCode: null, ...(r.error ? { error: r.error } : {}) }));
    const p = command.payload;
    if (command.type === 'run_command') {
      const spec: RunSpec = {
        cmd: String(p.cmd),
        args: p.args as string[] | undefined,
        shell: p.shell === true,
        env: p.env as Record<string, string> | undefined,
        workingDir: p.workingDir as string | undefined,
        timeoutSec: Math.min(Number(p.timeoutSec), settings.maxRuntimeSecs),
      }; // shapes checked by the contract
      return this.#run(command.commandId, spec, cancel);
    }
    if (command.type === 'update_package') return this.#run(command.commandId, { ...packageCommand(p), timeoutSec: settings.maxRuntimeSecs }, cancel);
    return downloadAgentUpdate(p, this.#stateDir, (text) => this.#chunk(command.commandId, { offset: 0, stream: 'stdout', data: text }));
  }

  async #run(commandId: string, spec: RunSpec, cancel: AbortSignal): Promise<Ack> {
    const outcome: ProcessOutcome = await runProcess(spec, (chunk) => this.#chunk(commandId, chunk), cancel);
    if (outcome.error) return { status: 'failed', exitCode: null, error: outcome.error };
    if (outcome.timedOut) return { status: 'timed_out', exitCode: outcome.exitCode, error: `killed after ${spec.timeoutSec} s` };
    if (outcome.cancelled) return { status: 'failed', exitCode: outcome.exitCode, error: 'cancelled by an operator' };
    return { status: outcome.exitCode === 0 ? 'succeeded' : 'failed', exitCode: outcome.exitCode };
  }

  #chunk(commandId: string, chunk: { offset: number; stream: 'stdout' | 'stderr'; data: string }): void {
    if (chunk.data.length === 0) return;
    this.#outbox.push('output', `/api/v1/agent/${this.#agentId}/commands/${commandId}/logs`, { chunks: [chunk] });
    this.#notify();
  }
}
