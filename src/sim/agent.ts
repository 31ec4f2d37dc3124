/**
 * One simulated agent: what a reference agent sends, on the real intervals divided by the compression rate
 * (heartbeat, samples, result batches, command polls, an inventory at start and occasionally an upgraded
 * package), with a random phase so that a fleet's requests spread out. Commands it receives are "run":
 * one output chunk, then an ack.
 */
import { uuidv7 } from 'uuidv7';
import type { SimHttp } from './http.ts';
import { softwareFor, upgradeOne, type Package } from './software.ts';
import type { SimStats } from './stats.ts';

export interface Intervals {
  heartbeatSec: number;
  collectionSec: number;
  resultsSec: number;
  pollSec: number;
  inventorySec: number;
}

/** A handful of endpoints every simulated agent checks (unknown ids become agent-local endpoints). */
export const SIM_ENDPOINTS = ['0198f0a2-0000-7000-8000-00000000e001', '0198f0a2-0000-7000-8000-00000000e002', '0198f0a2-0000-7000-8000-00000000e003'];

export class SimAgent {
  online = false;
  readonly #id: string;
  readonly #headers: Record<string, string>;
  readonly #http: SimHttp;
  /** Where requests are counted: the enrolment's statistics first, then the steady state's. */
  stats: SimStats;
  readonly #software: Package[];
  readonly #hostname: string;
  readonly #timers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(opts: { id: string; key: string; hostname: string; role: string; http: SimHttp; stats: SimStats }) {
    this.#id = opts.id;
    this.#headers = { 'x-agent-api-key': opts.key };
    this.#http = opts.http;
    this.stats = opts.stats;
    this.#software = softwareFor(opts.role);
    this.#hostname = opts.hostname;
  }

  start(iv: Intervals): void {
    this.#every(iv.heartbeatSec, () => this.heartbeat());
    this.#every(iv.collectionSec, () => this.samples());
    this.#every(iv.resultsSec, () => this.results());
    this.#every(iv.pollSec, () => this.poll());
    this.#every(iv.inventorySec, () => this.inventory(true), true);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
  }

  async #call(kind: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<string | null> {
    const reply = await this.#http.sendPatiently(method, `/api/v1/agent/${this.#id}${path}`, this.#headers, body === undefined ? undefined : JSON.stringify(body), {
      onThrottled: () => this.stats.throttle(kind),
      stopped: () => this.#stopped,
    });
    if (reply.dropped) return null;
    const failed = reply.status < 200 || reply.status > 299;
    this.stats.record(kind, reply.ms, failed, failed ? (reply.error ?? `${reply.status} ${reply.body.slice(0, 200)}`) : undefined);
    return failed ? null : reply.body;
  }

  async heartbeat(): Promise<void> {
    const body = {
      timestamp: new Date().toISOString(),
      health_status: 'healthy',
      metrics: { agent_uptime_secs: Math.floor(process.uptime()), cpu_usage_percent: Math.random() * 40, memory_usage_mb: 800 + Math.random() * 400, memory_total_mb: 16000, system_uptime_secs: 86400 },
    };
    this.online = (await this.#call('heartbeat', 'POST', '/heartbeat', body)) !== null;
  }

  async samples(): Promise<void> {
    const ts = new Date().toISOString();
    const load = Math.random() * 4;
    const samples = [
      { metric: 'cpu.usage_percent', value: Math.random() * 100, ts },
      { metric: 'load.1m', value: load, ts },
      { metric: 'load.5m', value: load * 0.8, ts },
      { metric: 'memory.used_bytes', value: Math.round(8e9 + Math.random() * 4e9), ts },
      { metric: 'disk.used_percent', value: 40 + Math.random() * 10, ts, labels: { mount: '/' } },
      { metric: 'net.rx_bytes', value: Math.round(Date.now() / 10), ts, labels: { iface: 'eth0' } },
      { metric: 'net.tx_bytes', value: Math.round(Date.now() / 20), ts, labels: { iface: 'eth0' } },
    ];
    await this.#call('samples', 'POST', '/inventory', { samples });
  }

  async results(): Promise<void> {
    const timestamp = new Date().toISOString();
    const results = SIM_ENDPOINTS.map((endpoint_id) => {
      const up = Math.random() > 0.02;
      const result = {
        resolved_ip: '192.0.2.10',
        successes: up ? 3 : 0,
        failures: up ? 0 : 3,
        success_latencies: up ? [1, 2, 3].map(() => Math.round(5 + Math.random() * 20)) : [],
        error_details: up ? null : { errors: ['Ping timeout'] },
      };
      return { id: uuidv7(), agent_id: this.#id, endpoint_id, check_type: { type: 'ping', result }, timestamp };
    });
    await this.#call('results', 'POST', '/results', { results });
  }

  /** The inventory snapshot; after the first, now and then a package was upgraded since the last one. */
  async inventory(maybeUpgrade: boolean): Promise<void> {
    if (maybeUpgrade && Math.random() < 0.3) upgradeOne(this.#software);
    const snapshot = {
      collectedAt: new Date().toISOString(),
      hostname: this.#hostname,
      os: { name: 'Debian GNU/Linux', version: '12', platform: 'linux', arch: 'x64' },
      kernel: '6.1.0-18-amd64',
      cpu: { model: 'AMD EPYC 7B13', cores: 4, threads: 8, mhz: 2450 },
      memory: { totalBytes: 16_777_216_000, swapBytes: 0 },
      disks: [{ device: '/dev/vda1', mountpoint: '/', fsType: 'ext4', totalBytes: 107_374_182_400 }],
      networkInterfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['192.0.2.20'] }],
      software: this.#software,
    };
    await this.#call('inventory', 'POST', '/inventory', { snapshot });
  }

  async poll(): Promise<void> {
    const body = await this.#call('poll', 'GET', '/commands?wait=0');
    if (!body) return;
    const batch = JSON.parse(body) as { commands: { commandId: string; type: string; payload: Record<string, unknown> }[] }; // the contract's AgentCommandBatch
    for (const c of batch.commands) {
      const startedAt = new Date().toISOString();
      const data = c.type === 'run_command' ? `simulated: ${String(c.payload.cmd)}\n` : `simulated ${c.type}\n`;
      await this.#call('output', 'POST', `/commands/${c.commandId}/logs`, { chunks: [{ offset: 0, stream: 'stdout', data }] });
      await this.#call('ack', 'POST', `/commands/${c.commandId}/ack`, { status: 'succeeded', exitCode: 0, startedAt, finishedAt: new Date().toISOString() });
    }
  }

  /** `task` at a random phase within the first interval, then every interval (the next one starts after the previous ended). */
  #every(intervalSec: number, task: () => Promise<void>, skipFirst = false): void {
    const loop = (first: boolean) => {
      if (this.#stopped) return;
      void (first && skipFirst ? Promise.resolve() : task()).finally(() => {
        if (!this.#stopped) this.#timers.push(setTimeout(() => loop(false), intervalSec * 1000));
      });
    };
    this.#timers.push(setTimeout(() => loop(true), Math.random() * intervalSec * 1000));
  }
}
