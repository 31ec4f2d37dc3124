/**
 * Bulk-loads check results (one series: the agent's results for the endpoint) for one endpoint over one UTC day straight into the database (a recursive CTE
 * on SQLite, generate_series on Postgres), bypassing the API: evenly spaced ping results, latencies
 * spread over 1–200 ms, one in fifty unreachable. The per-minute rollups the server writes with results
 * are computed here from the same formula (float64 arithmetic on every side) and inserted alongside.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { encodeLatencies } from '../src/repositories/shared/check-results.ts';

export interface ResultSeed {
  tenantId: string;
  agentId: string;
  endpointId: string;
  /** UTC midnight. */
  day: Date;
  rows: number;
}

export async function seedResults(databaseUrl: string, seed: ResultSeed): Promise<{ seconds: number }> {
  const started = performance.now();
  if (databaseUrl.startsWith('sqlite:')) seedSqlite(databaseUrl.slice('sqlite:'.length), seed);
  else await seedPostgres(databaseUrl, seed);
  return { seconds: (performance.now() - started) / 1000 };
}

interface MinuteRow {
  minute: number;
  checks: number;
  successes: number;
  latencies: Buffer;
}

/** Row i: at day + ⌊i·86400000 / rows⌋ ms, unreachable when i % 50 = 0, else 1 + ((i·7919) mod 19900) / 100 ms. */
function minuteRows(s: ResultSeed): MinuteRow[] {
  const minutes = new Map<number, { checks: number; successes: number; latencies: number[] }>();
  const t0 = s.day.getTime();
  for (let i = 0; i < s.rows; i++) {
    const minute = Math.floor((t0 + Math.floor((i * 86_400_000) / s.rows)) / 60_000) * 60_000;
    let m = minutes.get(minute);
    if (!m) {
      m = { checks: 0, successes: 0, latencies: [] };
      minutes.set(minute, m);
    }
    m.checks++;
    if (i % 50 === 0) continue;
    m.successes++;
    m.latencies.push(1 + ((i * 7919) % 19900) / 100);
  }
  return [...minutes].map(([minute, m]) => ({ minute, checks: m.checks, successes: m.successes, latencies: encodeLatencies(m.latencies) }));
}

const RESULT = `'{"resolved_ip":"192.0.2.1","successes":1,"failures":0,"success_latencies":[],"error_details":null}'`;

function seedSqlite(path: string, s: ResultSeed): void {
  const db = new Database(path, { timeout: 30_000 });
  try {
    db.pragma('synchronous = OFF');
    // Ids: a random 8-hex-digit run prefix, then the row number (unique, UUID-shaped).
    const prefix = randomBytes(4).toString('hex');
    db.prepare('insert into check_result_series (tenant_id, endpoint_id, agent_id) values (?, ?, ?) on conflict do nothing').run(s.tenantId, s.endpointId, s.agentId);
    const { series } = db
      .prepare<[string, string, string], { series: number }>('select id as series from check_result_series where tenant_id = ? and endpoint_id = ? and agent_id = ?')
      .get(s.tenantId, s.endpointId, s.agentId)!;
    const insert = db.prepare(
      `with recursive n(i) as (select @lo union all select i + 1 from n where i + 1 < @hi)
       insert into check_result_points (series_id, ts, id, check_type, reachable, latency_ms, result, received_at)
       select @series, @t0 + (i * 86400000) / @rows, printf('${prefix}-0000-7000-8000-%012x', i), 'ping',
              (i % 50) != 0, case when (i % 50) != 0 then 1 + ((i * 7919) % 19900) / 100.0 end, ${RESULT}, @t0 from n`,
    );
    const chunk = 250_000;
    for (let lo = 0; lo < s.rows; lo += chunk) {
      db.transaction(() => insert.run({ lo, hi: Math.min(s.rows, lo + chunk), series, t0: s.day.getTime(), rows: s.rows }))();
    }
    const minute = db.prepare('insert into check_result_minutes (tenant_id, endpoint_id, minute, agent_id, checks, successes, latencies) values (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const m of minuteRows(s)) minute.run(s.tenantId, s.endpointId, m.minute, s.agentId, m.checks, m.successes, m.latencies);
    })();
    db.pragma('wal_checkpoint(PASSIVE)');
    db.exec('analyze check_result_points');
  } finally {
    db.close();
  }
}

async function seedPostgres(url: string, s: ResultSeed): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { synchronous_commit: 'off' } });
  try {
    const salt = randomBytes(8).toString('hex');
    const [found] = await sql<{ series: number }[]>`
      with created as (
        insert into check_result_series (tenant_id, endpoint_id, agent_id) values (${s.tenantId}, ${s.endpointId}, ${s.agentId}) on conflict do nothing returning id)
      select id as series from created
      union all
      select id from check_result_series where tenant_id = ${s.tenantId} and endpoint_id = ${s.endpointId} and agent_id = ${s.agentId}`;
    const series = found!.series;
    await sql`
      insert into check_result_points (series_id, id, check_type, ts, reachable, latency_ms, result, received_at)
      select ${series}, md5(${salt} || i::text)::uuid, 'ping',
             ${s.day.toISOString()}::timestamptz + (i::bigint * 86400000 / ${s.rows}) * interval '1 millisecond',
             (i % 50) <> 0, case when (i % 50) <> 0 then 1 + ((i::bigint * 7919) % 19900)::float8 / 100 end, ${sql.unsafe(RESULT)}::jsonb, ${s.day.toISOString()}::timestamptz
      from generate_series(0, ${s.rows - 1}) as i`;
    const rows = minuteRows(s);
    await sql`
      insert into check_result_minutes (tenant_id, endpoint_id, minute, agent_id, checks, successes, latencies)
      select ${s.tenantId}::uuid, ${s.endpointId}::uuid, to_timestamp(m / 1000.0), ${s.agentId}::uuid, c, ok, l::bytea
      from unnest(${rows.map((r) => r.minute)}::bigint[], ${rows.map((r) => r.checks)}::int[], ${rows.map((r) => r.successes)}::int[], ${rows.map((r) => `\\x${r.latencies.toString('hex')}`)}::text[]) as u(m, c, ok, l)`;
    await sql`analyze check_result_points`;
    await sql`analyze check_result_minutes`;
  } finally {
    await sql.end();
  }
}
