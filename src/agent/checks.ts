/**
 * Monitored-endpoint checks, answered as Smotra results (`check_type: {type, result}`): tcpconnect (a TCP
 * handshake), httpget (a GET, success on 2xx/3xx) and ping (the host's `ping`, when it is installed and
 * ICMP is permitted; otherwise no result, as the Smotra agent does). Other types are not run.
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { uuidv7 } from 'uuidv7';
import type { CheckEndpoint } from './configuration.ts';

export type CheckType = { type: 'tcpconnect'; result: Record<string, unknown> } | { type: 'httpget'; result: Record<string, unknown> } | { type: 'ping'; result: Record<string, unknown> };

export interface SmotraResult {
  id: string;
  agent_id: string;
  endpoint_id: string;
  check_type: CheckType;
  timestamp: string;
}

export async function runCheck(agentId: string, ep: CheckEndpoint, pingCount: number): Promise<SmotraResult | null> {
  const checkType = ep.checkType === 'tcpconnect' ? await tcpConnect(ep) : ep.checkType === 'httpget' ? await httpGet(ep) : ep.checkType === 'ping' ? await ping(ep, pingCount) : null;
  return checkType && { id: uuidv7(), agent_id: agentId, endpoint_id: ep.id, check_type: checkType, timestamp: new Date().toISOString() };
}

async function resolve(host: string): Promise<string | null> {
  try {
    return (await lookup(host)).address;
  } catch {
    return null;
  }
}

async function tcpConnect(ep: CheckEndpoint): Promise<CheckType> {
  const ip = await resolve(ep.address);
  if (!ip) return { type: 'tcpconnect', result: { connected: false, connect_time_ms: null, error: `Failed to resolve address: ${ep.address}`, resolved_ip: null } };
  const started = performance.now();
  const error = await new Promise<string | null>((done) => {
    const socket = connect({ host: ip, port: ep.port ?? 80, timeout: ep.timeoutSecs * 1000 });
    const finish = (error: string | null) => {
      socket.destroy();
      done(error);
    };
    socket.once('connect', () => finish(null));
    socket.once('timeout', () => finish('timeout'));
    socket.once('error', (err) => finish(err.message));
  });
  const ms = performance.now() - started;
  return { type: 'tcpconnect', result: { connected: error === null, connect_time_ms: error === null ? round(ms) : null, error, resolved_ip: ip } };
}

async function httpGet(ep: CheckEndpoint): Promise<CheckType> {
  const url = /^https?:\/\//.test(ep.address) ? ep.address : `http://${ep.address}${ep.port ? `:${ep.port}` : ''}/`;
  const started = performance.now();
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(ep.timeoutSecs * 1000) });
    const size = (await res.arrayBuffer()).byteLength;
    return { type: 'httpget', result: { success: res.status < 400, status_code: res.status, response_time_ms: round(performance.now() - started), response_size_bytes: size, error: null } };
  } catch (err) {
    return { type: 'httpget', result: { success: false, status_code: null, response_time_ms: null, response_size_bytes: null, error: err instanceof Error ? err.message : String(err) } };
  }
}

async function ping(ep: CheckEndpoint, count: number): Promise<CheckType | null> {
  const ip = await resolve(ep.address);
  if (!ip) return { type: 'ping', result: { resolved_ip: '', successes: 0, failures: 1, success_latencies: [], error_details: { errors: [`Failed to resolve address: ${ep.address}`] } } };
  const output = await new Promise<string | null>((done) => {
    execFile('ping', ['-n', '-c', String(count), '-W', String(ep.timeoutSecs), ip], { timeout: (count + 1) * ep.timeoutSecs * 1000 }, (err, stdout, stderr) => {
      // Exit 1: ran, some probes lost. Anything else (not installed, not permitted) gives no result.
      if (err && (err.code !== 1 || /permitted|denied/i.test(stderr))) return done(null);
      done(stdout);
    });
  });
  if (output === null) return null;
  const latencies = [...output.matchAll(/time[=<]([\d.]+) ?ms/g)].map((m) => round(Number(m[1])));
  return {
    type: 'ping',
    result: { resolved_ip: ip, successes: latencies.length, failures: count - latencies.length, success_latencies: latencies, error_details: latencies.length === count ? null : { errors: ['Ping timeout'] } },
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
