/**
 * The reference agent: one process that heartbeats (fetching its configuration with its ETag on the same
 * tick), collects inventory and metric samples, runs endpoint checks and commands, and sends everything but
 * heartbeats through its store-and-forward outbox. A revoked key stops it with exit code 3 (no retry loop;
 * the systemd unit does not restart on that code).
 */
import { join } from 'node:path';
import { uptime } from 'node:os';
import type { Logger } from 'pino';
import { ConfigurationState } from './configuration.ts';
import { runCheck, type SmotraResult } from './checks.ts';
import { CommandRunner } from './commands.ts';
import { Forwarder } from './forwarder.ts';
import { AGENT_VERSION } from './identity.ts';
import { collectInventory } from './inventory.ts';
import { rotateOwnKey } from './key-rotation.ts';
import { every, sleep } from './loops.ts';
import { collectSamples } from './metrics.ts';
import { Outbox } from './outbox.ts';
import type { AgentState } from './state.ts';
import { KeyRejectedError, Transport } from './transport.ts';

export const EXIT_KEY_REJECTED = 3;

export interface AgentOptions {
  state: AgentState;
  stateDir: string;
  maxOutboxItems: number;
  maxOutboxBytes?: number;
  log: Logger;
  signal: AbortSignal;
}

export async function runAgent({ state, stateDir, maxOutboxItems, maxOutboxBytes, log, signal }: AgentOptions): Promise<number> {
  const outbox = new Outbox(join(stateDir, 'outbox.db'), maxOutboxItems, maxOutboxBytes);
  const transport = new Transport(state.server, state.apiKey);
  const config = new ConfigurationState();
  const forwarder = new Forwarder(outbox, transport, log);
  const notify = () => forwarder.notify();
  const rotateKey = async () => {
    const outcome = await rotateOwnKey({ transport, state, stateDir });
    if (outcome.status === 'succeeded') log.info('key rotated on request; the new key is saved');
    else log.error({ error: outcome.error }, 'key rotation failed');
    return outcome;
  };
  const commands = new CommandRunner({ agentId: state.agentId, outbox, notify, config, stateDir, log, rotateKey });
  const base = `/api/v1/agent/${state.agentId}`;
  const startedAt = new Date().toISOString();
  const stats = { lastReportAt: '1970-01-01T00:00:00Z', failedReports: 0 };
  const stop = new AbortController();
  signal.addEventListener('abort', () => stop.abort(), { once: true });
  const s = () => config.current;
  log.info({ agentId: state.agentId, server: state.server, queued: outbox.size }, 'agent started');

  const agentStatus = () => ({
    agent_version: AGENT_VERSION,
    config_version: s().version,
    is_running: true,
    started_at: startedAt,
    stopped_at: null,
    checks_performed: outbox.counter('checks_performed'),
    checks_successful: outbox.counter('checks_successful'),
    checks_failed: outbox.counter('checks_failed'),
    reported_at: stats.lastReportAt,
    failed_report_count: stats.failedReports,
    server_connected: forwarder.failures === 0,
    cache_stats: { len: outbox.size, capacity: maxOutboxItems },
    // agentry's own keys (the status schema keeps unknown fields).
    outbox_pending: outbox.size,
    outbox_dropped: outbox.dropped,
    outbox_rejected: forwarder.rejected,
    config_error: config.error,
    samples_collected: outbox.counter('sequence'),
  });

  const refreshConfiguration = async () => {
    const answer = await transport.request('GET', `${base}/configuration`, { headers: config.etag ? { 'if-none-match': config.etag } : {} });
    if (answer.status !== 200) return;
    const before = s().version;
    if (config.apply(answer.body, answer.etag) === 'rejected') log.error({ error: config.error }, 'configuration refused; keeping the last good one');
    else if (s().version !== before) log.info({ version: s().version, heartbeatSecs: s().heartbeatSecs, collectionSecs: s().collectionSecs, endpoints: s().endpoints.length }, 'configuration applied');
  };

  const heartbeat = async () => {
    await refreshConfiguration();
    const status = agentStatus();
    const body = {
      timestamp: new Date().toISOString(),
      health_status: 'healthy',
      metrics: { agent_uptime_secs: Math.floor(process.uptime()), memory_usage_mb: process.memoryUsage().rss / 1048576, system_uptime_secs: Math.floor(uptime()) },
      agent_status: status,
    };
    const answer = await transport.post(`${base}/heartbeat`, body);
    if (answer.ok && status.outbox_dropped > 0) {
      log.warn({ dropped: status.outbox_dropped }, 'reported outbox items dropped while full');
      outbox.acknowledgeDropped(status.outbox_dropped);
    }
  };

  const report = async () => {
    const answer = await transport.post(`${base}/report`, agentStatus());
    if (answer.ok) stats.lastReportAt = new Date().toISOString();
    else stats.failedReports++;
  };

  const collect = async () => {
    const samples = await collectSamples(s().collectors, outbox.counter('sequence') + 1);
    // The sequence number and its samples are committed together: a crash in between loses neither alone.
    outbox.push('samples', `${base}/inventory`, { samples }, 'sequence');
    log.debug({ samples: samples.length, queued: outbox.size }, 'samples collected');
    notify();
  };

  const inventory = async () => {
    outbox.push('inventory', `${base}/inventory`, { snapshot: await collectInventory(s().collectors.includes('software')) });
    notify();
  };

  const due = new Map<string, number>();
  const checks = async () => {
    const now = Date.now();
    const ready = s().endpoints.filter((ep) => (due.get(ep.id) ?? 0) <= now);
    for (const ep of ready) due.set(ep.id, now + ep.intervalSecs * 1000);
    const results = (await Promise.all(ready.map((ep) => runCheck(state.agentId, ep, s().pingCount)))).filter((r): r is SmotraResult => r !== null);
    if (results.length === 0) return;
    const ok = results.filter((r) => r.check_type.result.connected ?? r.check_type.result.success ?? Number(r.check_type.result.successes) > 0).length;
    outbox.push('results', `${base}/results`, { results }, 'checks_performed', results.length, () => {
      outbox.increment('checks_successful', ok);
      outbox.increment('checks_failed', results.length - ok);
    });
    notify();
  };

  const loops = [
    every('heartbeat', () => s().heartbeatSecs * 1000, heartbeat, stop.signal, log),
    every('report', () => s().reportSecs * 1000, report, stop.signal, log),
    // The first collection waits for the first configuration (the heartbeat fetches it).
    sleep(500, stop.signal).then(() => every('collect', () => s().collectionSecs * 1000, collect, stop.signal, log)),
    sleep(500, stop.signal).then(() => every('inventory', () => Math.max(3600, s().collectionSecs) * 1000, inventory, stop.signal, log)),
    every('checks', () => 1000, checks, stop.signal, log),
    commands.poll(transport, stop.signal),
    forwarder.run(stop.signal),
  ];
  let exitCode = 0;
  await Promise.all(
    loops.map((loop) =>
      loop.catch((err: unknown) => {
        if (err instanceof KeyRejectedError) {
          if (exitCode === 0) log.fatal(`${err.message}; stopping. Enroll again (or claim) with a fresh state dir to continue.`);
          exitCode = EXIT_KEY_REJECTED;
        } else {
          log.fatal({ err }, 'agent loop crashed; stopping');
          exitCode = 1;
        }
        stop.abort();
      }),
    ),
  );
  for (const c of commands.running.values()) c.abort();
  outbox.close();
  log.info({ exitCode }, 'agent stopped');
  return exitCode;
}
