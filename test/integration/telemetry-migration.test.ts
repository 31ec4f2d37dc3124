/**
 * The time-series layout migration carries existing telemetry over: a database migrated up to the old layout
 * (samples keyed by text agent/metric/labels/ts) is filled, then migrated to the end; the same reads answer
 * the same data, per tenant, and on Postgres each day that had a partition gets one in the new table.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/postgres-js';
import { migrate as pgMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openRepositories } from '../../src/repositories/index.ts';
import { pgMigrations } from '../../src/repositories/postgres/db.ts';
import { sqliteMigrations } from '../../src/repositories/sqlite/db.ts';
import { dialects, freshDatabaseUrl } from '../helpers/server.ts';

const DAY = 86_400_000;
const day = Date.parse('2026-01-10T00:00:00.000Z');
const tenantA = '0190a000-0000-7000-8000-00000000000a';
const tenantB = '0190a000-0000-7000-8000-00000000000b';
const agentA = '0190a000-0000-7000-8000-0000000000a1';
const agentB = '0190a000-0000-7000-8000-0000000000b1';
const coreLabels = JSON.stringify([['core', '0']]);

/** A copy of the migrations folder whose journal stops before `firstNewTag`. */
function migrationsBefore(folder: string, firstNewTag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-migrations-'));
  cpSync(folder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const stop = journal.entries.findIndex((e) => e.tag === firstNewTag);
  if (stop < 0) throw new Error(`no migration ${firstNewTag}`);
  journal.entries = journal.entries.slice(0, stop);
  writeFileSync(journalPath, JSON.stringify(journal));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Old-layout rows: agent A has cpu{core=0} at three times and load{} at one; agent B (another tenant) cpu{core=0} once. */
const oldSamples = [
  { tenant: tenantA, agent: agentA, metric: 'cpu', ts: day + 1_000, value: 1, labels: { core: '0' }, key: coreLabels },
  { tenant: tenantA, agent: agentA, metric: 'cpu', ts: day + 61_000, value: 3, labels: { core: '0' }, key: coreLabels },
  { tenant: tenantA, agent: agentA, metric: 'cpu', ts: day + DAY + 5_000, value: 7, labels: { core: '0' }, key: coreLabels },
  { tenant: tenantA, agent: agentA, metric: 'load', ts: day + 2_000, value: 0.5, labels: {}, key: '' },
  { tenant: tenantB, agent: agentB, metric: 'cpu', ts: day + 1_000, value: 90, labels: { core: '0' }, key: coreLabels },
];
const oldLatest = [oldSamples[2]!, oldSamples[3]!, oldSamples[4]!];

describe.each(dialects())('telemetry layout migration on %s', (dialect) => {
  it('moves samples and latest values into series, points and latest per series', async () => {
    const db = await freshDatabaseUrl(dialect);
    const old = migrationsBefore(dialect === 'sqlite' ? sqliteMigrations : pgMigrations, dialect === 'sqlite' ? '0010_telemetry_series' : '0011_telemetry_series');
    try {
      if (dialect === 'sqlite') await fillSqlite(db.url, old.dir);
      else await fillPostgres(db.url, old.dir);
      const repos = await openRepositories({ url: db.url, poolSize: 2, busyTimeoutMs: 2000 });
      try {
        const range = (tenantId: string, agentId: string, metric: string) => repos.telemetry.range({ tenantId, agentId, metric, from: new Date(day), to: new Date(day + 2 * DAY), stepMs: DAY, agg: 'max' });
        expect(await range(tenantA, agentA, 'cpu')).toEqual([
          { ts: new Date(day), value: 3, count: 2 },
          { ts: new Date(day + DAY), value: 7, count: 1 },
        ]);
        expect(await range(tenantA, agentA, 'load')).toEqual([{ ts: new Date(day), value: 0.5, count: 1 }]);
        expect(await range(tenantB, agentB, 'cpu')).toEqual([{ ts: new Date(day), value: 90, count: 1 }]);
        // Tenant scoping survives the migration: another tenant's id finds nothing.
        expect(await range(tenantB, agentA, 'cpu')).toEqual([]);
        expect(await repos.telemetry.latest(tenantA, agentA)).toEqual([
          { metric: 'cpu', labels: { core: '0' }, value: 7, ts: new Date(day + DAY + 5_000) },
          { metric: 'load', labels: {}, value: 0.5, ts: new Date(day + 2_000) },
        ]);
        expect(await repos.telemetry.latest(tenantA, agentB)).toEqual([]);
        if (dialect === 'sqlite') {
          const client = new Database(db.url.slice('sqlite:'.length), { readonly: true });
          const table = client.prepare<[], { sql: string }>("select sql from sqlite_master where name = 'telemetry_points'").get();
          client.close();
          expect(table?.sql).toMatch(/WITHOUT ROWID$/);
        } else {
          const sql = postgres(db.url, { max: 1, onnotice: () => {} });
          try {
            const parts = await sql<{ name: string }[]>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'telemetry_points'::regclass order by 1`;
            expect(parts.map((p) => p.name)).toEqual(['telemetry_points_default', 'telemetry_points_p20260110']);
            const [inDay] = await sql<{ n: number }[]>`select count(*)::int as n from telemetry_points_p20260110`;
            expect(inDay!.n).toBe(4);
            const [old] = await sql<{ n: number }[]>`select count(*)::int as n from pg_class where relname in ('telemetry_samples', 'telemetry_latest')`;
            expect(old!.n).toBe(0);
          } finally {
            await sql.end();
          }
        }
      } finally {
        await repos.close();
      }
    } finally {
      old.cleanup();
      db.cleanup();
    }
  });
});

async function fillSqlite(url: string, migrationsFolder: string): Promise<void> {
  const client = new Database(url.slice('sqlite:'.length));
  try {
    sqliteMigrate(sqliteDrizzle({ client }), { migrationsFolder });
    const sample = client.prepare('insert into telemetry_samples (tenant_id, agent_id, metric, ts, value, labels, labels_key) values (?, ?, ?, ?, ?, ?, ?)');
    for (const s of oldSamples) sample.run(s.tenant, s.agent, s.metric, s.ts, s.value, JSON.stringify(s.labels), s.key);
    const latest = client.prepare('insert into telemetry_latest (tenant_id, agent_id, metric, labels_key, labels, ts, value) values (?, ?, ?, ?, ?, ?, ?)');
    for (const s of oldLatest) latest.run(s.tenant, s.agent, s.metric, s.key, JSON.stringify(s.labels), s.ts, s.value);
  } finally {
    client.close();
  }
}

/** Old layout, partitioned: the first day has a partition, the second day's sample sits in the default partition. */
async function fillPostgres(url: string, migrationsFolder: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await pgMigrate(pgDrizzle({ client: sql }), { migrationsFolder });
    await sql.unsafe(`create table telemetry_samples_p20260110 partition of telemetry_samples for values from ('2026-01-10T00:00:00Z') to ('2026-01-11T00:00:00Z')`);
    for (const s of oldSamples) {
      await sql`insert into telemetry_samples (tenant_id, agent_id, metric, ts, value, labels, labels_key)
        values (${s.tenant}::uuid, ${s.agent}::uuid, ${s.metric}, ${new Date(s.ts).toISOString()}::timestamptz, ${s.value}, ${JSON.stringify(s.labels)}::jsonb, ${s.key})`;
    }
    for (const s of oldLatest) {
      await sql`insert into telemetry_latest (tenant_id, agent_id, metric, labels_key, labels, ts, value)
        values (${s.tenant}::uuid, ${s.agent}::uuid, ${s.metric}, ${s.key}, ${JSON.stringify(s.labels)}::jsonb, ${new Date(s.ts).toISOString()}::timestamptz, ${s.value})`;
    }
  } finally {
    await sql.end();
  }
}
