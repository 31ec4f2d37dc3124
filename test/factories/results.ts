/** Smotra result items as the agent serialises them (snake_case, `check_type` as {type, result}). */
import { newId } from '../../src/services/ids.ts';

export type Variant = { type: string; result: Record<string, unknown> };

export const variants = {
  ping: (latencies: number[], failures = 0): Variant => ({
    type: 'ping',
    result: { resolved_ip: '192.0.2.1', successes: latencies.length, failures, success_latencies: latencies, error_details: failures ? { errors: ['Ping timeout'] } : null },
  }),
  pingDown: (): Variant => ({ type: 'ping', result: { resolved_ip: '', successes: 0, failures: 1, success_latencies: [], error_details: { errors: ['Failed to resolve address: nxdomain'] } } }),
  traceroute: (reached: boolean, ms: number | null): Variant => ({
    type: 'traceroute',
    result: {
      hops: [
        { hop: 1, resolved_ip: null, latency_ms: null },
        { hop: 2, resolved_ip: '192.0.2.1', latency_ms: 4.5 },
      ],
      target_reached: reached,
      total_time_ms: ms,
      errors: null,
    },
  }),
  tcpconnect: (connected: boolean, ms: number | null): Variant => ({ type: 'tcpconnect', result: { connected, connect_time_ms: ms, error: connected ? null : 'connection refused', resolved_ip: '192.0.2.1' } }),
  udpconnect: (ok: boolean, ms: number | null): Variant => ({ type: 'udpconnect', result: { probe_successful: ok, response_time_ms: ms, error: null, resolved_ip: '192.0.2.1' } }),
  httpget: (ok: boolean, ms: number | null): Variant => ({ type: 'httpget', result: { status_code: ok ? 200 : 503, response_time_ms: ms, response_size_bytes: 512, error: null, success: ok } }),
  plugin: (ok: boolean, ms: number | null): Variant => ({
    type: 'plugin',
    result: { plugin_name: 'dns', plugin_version: '1.0.0', success: ok, response_time_ms: ms, error: null, data: { answers: 2 } },
  }),
};

export function resultItem(agentId: string, endpointId: string, checkType: Variant, timestamp: Date | string, id = newId()) {
  return { id, agent_id: agentId, endpoint_id: endpointId, check_type: checkType, timestamp: typeof timestamp === 'string' ? timestamp : timestamp.toISOString() };
}
