/**
 * Check results stored before the series layout (one `check_results` row per result, with tenant, agent and
 * endpoint ids) survive the migration to `check_result_series` + `check_result_points`: a database migrated
 * up to the old layout, given results, then migrated to the end by the server, still deduplicates them and
 * reports them, and new results of the same agent and endpoint join their series. SQLite and Postgres.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/postgres-js';
import { migrate as pgMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { pgMigrations } from '../../src/repositories/postgres/db.ts';
import { sqliteMigrations } from '../../src/repositories/sqlite/db.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

/** A copy of the migrations folder holding only those before the series layout. */
function migrationsBeforeSeries(folder: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-migrations-'));
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith('_result_series'));
  if (cut < 0) throw new Error('no result_series migration');
  const kept = journal.entries.slice(0, cut);
  cpSync(join(folder, 'meta'), join(dir, 'meta'), { recursive: true });
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: kept }));
  for (const f of readdirSync(folder)) if (kept.some((e) => f === `${e.tag}.sql`)) cpSync(join(folder, f), join(dir, f));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

interface OldRow {
  id: string;
  agentId: string;
  endpointId: string;
  ts: Date;
  reachable: boolean;
  latencyMs: number | null;
}

async function seedOldLayout(url: string, tenantId: string, rows: OldRow[]): Promise<void> {
  const result = JSON.stringify({ resolved_ip: '192.0.2.1', successes: 1, failures: 0, success_latencies: [], error_details: null });
  if (url.startsWith('sqlite:')) {
    const { dir, cleanup } = migrationsBeforeSeries(sqliteMigrations);
    const client = new Database(url.slice('sqlite:'.length));
    try {
      sqliteMigrate(sqliteDrizzle({ client }), { migrationsFolder: dir });
      client.prepare('insert into tenants (id, name, created_at) values (?, ?, ?)').run(tenantId, `old ${tenantId}`, Date.now());
      const insert = client.prepare(`insert into check_results (id, tenant_id, agent_id, endpoint_id, check_type, ts, reachable, latency_ms, result, received_at) values (?, ?, ?, ?, 'ping', ?, ?, ?, ?, ?)`);
      for (const r of rows) insert.run(r.id, tenantId, r.agentId, r.endpointId, r.ts.getTime(), r.reachable ? 1 : 0, r.latencyMs, result, r.ts.getTime());
    } finally {
      client.close();
      cleanup();
    }
    return;
  }
  const { dir, cleanup } = migrationsBeforeSeries(pgMigrations);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await pgMigrate(pgDrizzle(sql), { migrationsFolder: dir });
    await sql`insert into tenants (id, name, created_at) values (${tenantId}, ${`old ${tenantId}`}, now())`;
    for (const r of rows) {
      await sql`insert into check_results (id, tenant_id, agent_id, endpoint_id, check_type, ts, reachable, latency_ms, result, received_at)
        values (${r.id}, ${tenantId}, ${r.agentId}, ${r.endpointId}, 'ping', ${r.ts.toISOString()}, ${r.reachable}, ${r.latencyMs}, ${result}::jsonb, ${r.ts.toISOString()})`;
    }
  } finally {
    await sql.end();
    cleanup();
  }
}

describe.each(dialects())('check results migrated to the series layout on %s', (dialect) => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('keeps old results deduplicated and reported, and new results join their series', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanups.push(db.cleanup);
    const tenantId = newId();
    const [agentA, agentB, endpoint, other] = [newId(), newId(), newId(), newId()];
    const t0 = new Date('2026-01-05T10:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const old: OldRow[] = [
      { id: newId(), agentId: agentA, endpointId: endpoint, ts: at(0), reachable: true, latencyMs: 10 },
      { id: newId(), agentId: agentA, endpointId: endpoint, ts: at(30), reachable: false, latencyMs: null },
      { id: newId(), agentId: agentB, endpointId: endpoint, ts: at(45), reachable: true, latencyMs: 30 },
      { id: newId(), agentId: agentA, endpointId: other, ts: at(50), reachable: true, latencyMs: 99 },
    ];
    await seedOldLayout(db.url, tenantId, old);

    const s = await startTestServer({ databaseUrl: db.url });
    cleanups.push(() => s.close());
    expect(
      await s.repos.results.existingIds(
        tenantId,
        old.map((r) => r.id),
      ),
    ).toEqual(new Set(old.map((r) => r.id)));
    expect(
      (
        await s.repos.results.existingIds(
          newId(),
          old.map((r) => r.id),
        )
      ).size,
    ).toBe(0);

    // A range that is not minute-aligned reads the result rows themselves (the rollups were never written for these).
    const report = (agentId?: string) => s.repos.results.report({ tenantId, endpointIds: [endpoint], agentId, from: at(-1), to: at(3599), stepMs: 3_600_000 });
    expect(await report()).toEqual([{ ts: t0, checks: 3, successes: 2, latencyAvgMs: 20, latencyP50Ms: 10, latencyP95Ms: 30, latencyMaxMs: 30 }]);
    expect(await report(agentA)).toEqual([{ ts: t0, checks: 2, successes: 1, latencyAvgMs: 10, latencyP50Ms: 10, latencyP95Ms: 10, latencyMaxMs: 10 }]);

    // A new result of agent A for the endpoint, and an old one re-sent: the first is stored in A's series, the second skipped.
    const fresh = { id: newId(), tenantId, agentId: agentA, endpointId: endpoint, checkType: 'ping' as const, ts: at(55), reachable: true, latencyMs: 50, result: {}, receivedAt: new Date() };
    const resent = { ...fresh, id: old[0]!.id, ts: old[0]!.ts, latencyMs: 10 };
    const written = await s.repos.ingest.writeBatch([{ tenantId, agentId: agentA, receivedAt: new Date(), samples: [], inventory: null, results: [fresh, resent] }], () => null);
    expect(written.resultsWritten).toBe(1);
    expect(await report(agentA)).toEqual([{ ts: t0, checks: 3, successes: 2, latencyAvgMs: 30, latencyP50Ms: 10, latencyP95Ms: 50, latencyMaxMs: 50 }]);
  });
});
