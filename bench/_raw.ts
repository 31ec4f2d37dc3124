import Database from 'better-sqlite3';
import { rmSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
function setup(withoutRowid: boolean, extra: string[]) {
  rmSync('/tmp/raw', { recursive: true, force: true }); mkdirSync('/tmp/raw');
  const db = new Database('/tmp/raw/db');
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); db.pragma('cache_size = -65536'); for (const e of extra) db.pragma(e);
  db.exec(`create table s (tenant_id text not null, agent_id text not null, metric text not null, ts integer not null, value real not null, labels text not null, labels_key text not null, primary key (agent_id, metric, ts, labels_key))${withoutRowid ? ' without rowid' : ''}`);
  db.exec(`create table l (tenant_id text not null, agent_id text not null, metric text not null, labels_key text not null, labels text not null, ts integer not null, value real not null, primary key (agent_id, metric, labels_key))`);
  return db;
}
const agents = Array.from({ length: 10000 }, () => randomUUID());
const tenant = randomUUID();
const metrics = ['cpu.usage_percent', 'cpu.usage_percent', 'memory.used_bytes', 'memory.available_bytes', 'disk.read_bytes', 'disk.write_bytes', 'net.rx_bytes', 'net.tx_bytes', 'load.avg_1m', 'procs.running'];
const lk = metrics.map((_, i) => `[["k","${i}"]]`);
for (const [variant, extra] of [['rowid', []], ['rowid sync=off', ['synchronous = OFF']], ['rowid autockpt=20000', ['wal_autocheckpoint = 20000']], ['rowid no-autockpt', ['wal_autocheckpoint = 0']], ['rowid again', []]] as [string, string[]][]) {
  const db = setup(false, extra);
  const ins = db.prepare('insert into s values (?,?,?,?,?,?,?) on conflict do nothing');
  const up = db.prepare('insert into l values (?,?,?,?,?,?,?) on conflict (agent_id, metric, labels_key) do update set ts = excluded.ts, value = excluded.value, labels = excluded.labels where excluded.ts > l.ts');
  const latest = !variant.endsWith('no-latest');
  let k = 0; const t0 = Date.now();
  const tx = db.transaction((n: number) => { for (let r = 0; r < n; r++) { const a = agents[k % agents.length]!; const ts = t0 + Math.floor(k / agents.length) * 1000; k++; for (let i = 0; i < 10; i++) { ins.run(tenant, a, metrics[i]!, ts, i, lk[i]!, lk[i]!); if (latest) up.run(tenant, a, metrics[i]!, lk[i]!, lk[i]!, ts, i); } } });
  for (let w = 0; w < 100; w++) tx(33);
  const t = performance.now(); const batches = 900;
  for (let b = 0; b < batches; b++) tx(33);
  const ms = performance.now() - t;
  console.log(variant, (ms * 1000 / (batches * 330)).toFixed(1), 'µs/row');
  db.close();
}
