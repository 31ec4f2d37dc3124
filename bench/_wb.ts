import { openRepositories } from '../src/repositories/index.ts';
import { diffInventory } from '../src/services/inventory/diff.ts';
import { newId } from '../src/services/ids.ts';
import { rmSync } from 'node:fs';
rmSync('/tmp/wb', { recursive: true, force: true });
const repos = await openRepositories({ url: 'sqlite:/tmp/wb/db.sqlite', poolSize: 1, busyTimeoutMs: 1000 });
const tenant = newId();
const SERIES = [['cpu.usage', { core: 'all' }], ['cpu.load1', {}], ['mem.used', {}], ['mem.free', {}], ['disk.used', { mount: '/' }], ['disk.free', { mount: '/' }], ['net.rx', { iface: 'eth0' }], ['net.tx', { iface: 'eth0' }], ['proc.count', {}], ['uptime', {}]] as const;
const agents = Array.from({ length: 10000 }, () => newId());
const key = (l: Record<string, string>) => Object.keys(l).length ? JSON.stringify(Object.entries(l).sort()) : '';
let k = 0; const t0 = Date.now() - 3600_000;
function item() {
  const agentId = agents[k % agents.length]!; const ts = new Date(t0 + Math.floor(k / agents.length) * 1000); k++;
  return { tenantId: tenant, agentId, receivedAt: new Date(), inventory: null, samples: SERIES.map(([metric, labels], i) => ({ tenantId: tenant, agentId, metric, ts, value: i, labels: labels as Record<string, string>, labelsKey: key(labels as Record<string, string>) })) };
}
for (let round = 0; round < 3; round++) {
  const batches = 300; const per = 33;
  const t = performance.now();
  for (let b = 0; b < batches; b++) await repos.ingest.writeBatch(Array.from({ length: per }, item), diffInventory);
  const ms = performance.now() - t;
  console.log(`round ${round}: ${(ms * 1000 / (batches * per * 10)).toFixed(1)} µs/row, ${(ms / batches).toFixed(2)} ms/batch`);
}
await repos.close();
