/**
 * Metric samples of this host: cpu, load, memory, disk usage and network counters (systeminformation and
 * node:os), plus `agent.sequence`, a counter of collections, so that a gap or a duplicate in what reaches
 * the server can be seen.
 */
import { loadavg } from 'node:os';
import si from 'systeminformation';

export interface Sample {
  metric: string;
  value: number;
  ts: string;
  labels?: Record<string, string>;
}

const finite = (samples: Sample[]) => samples.filter((s) => Number.isFinite(s.value));

export async function collectSamples(collectors: readonly string[], sequence: number): Promise<Sample[]> {
  const ts = new Date().toISOString();
  const on = (name: string) => collectors.includes(name);
  const out: Sample[] = [{ metric: 'agent.sequence', value: sequence, ts }];
  const [load, mem, fs, net] = await Promise.all([on('cpu') ? si.currentLoad() : null, on('memory') ? si.mem() : null, on('disk') ? si.fsSize() : null, on('network') ? si.networkStats('*') : null]);
  if (load) {
    const [l1, l5, l15] = loadavg();
    out.push({ metric: 'cpu.usage_percent', value: load.currentLoad, ts }, { metric: 'load.1m', value: l1!, ts }, { metric: 'load.5m', value: l5!, ts }, { metric: 'load.15m', value: l15!, ts });
  }
  if (mem) out.push({ metric: 'memory.used_bytes', value: mem.active, ts }, { metric: 'memory.total_bytes', value: mem.total, ts }, { metric: 'memory.swap_used_bytes', value: mem.swapused, ts });
  for (const d of (fs ?? []).slice(0, 16)) {
    const labels = { mount: d.mount.slice(0, 200) };
    out.push({ metric: 'disk.used_bytes', value: d.used, ts, labels }, { metric: 'disk.used_percent', value: d.use, ts, labels });
  }
  for (const n of (net ?? []).slice(0, 16)) {
    const labels = { iface: n.iface.slice(0, 200) };
    out.push({ metric: 'net.rx_bytes', value: n.rx_bytes, ts, labels }, { metric: 'net.tx_bytes', value: n.tx_bytes, ts, labels });
  }
  return finite(out);
}
