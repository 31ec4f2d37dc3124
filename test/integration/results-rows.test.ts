/**
 * What the ingestion write stores per check result, read back with raw SQL: the exact millisecond of its
 * timestamp and of its arrival, its result JSON unchanged (quotes, backslashes, braces, commas, `NULL` as a
 * string, non-ASCII), reachability and latency (null included), and its series. SQLite and Postgres (where
 * the columns travel as array literals and the JSON as one array).
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResultRow } from '../../src/domain/check-result.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

interface StoredRow {
  id: string;
  ts: number;
  receivedAt: number;
  checkType: string;
  reachable: boolean;
  latencyMs: number | null;
  result: unknown;
  agentId: string;
  endpointId: string;
}

/** Every stored result of `agentId`, by id, behind the repositories' back. */
async function storedRows(databaseUrl: string, agentId: string): Promise<Map<string, StoredRow>> {
  if (databaseUrl.startsWith('sqlite:')) {
    const client = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const rows = client
        .prepare(
          `select p.id, p.ts, p.received_at as receivedAt, p.check_type as checkType, p.reachable, p.latency_ms as latencyMs, p.result, s.agent_id as agentId, s.endpoint_id as endpointId
           from check_result_points p join check_result_series s on s.id = p.series_id where s.agent_id = ?`,
        )
        .all(agentId) as (Omit<StoredRow, 'reachable' | 'result'> & { reachable: number; result: string })[];
      return new Map(rows.map((r) => [r.id, { ...r, reachable: r.reachable === 1, result: JSON.parse(r.result) }]));
    } finally {
      client.close();
    }
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<StoredRow[]>`
      select p.id, (extract(epoch from p.ts) * 1000)::int8 as "ts", (extract(epoch from p.received_at) * 1000)::int8 as "receivedAt", p.check_type as "checkType",
        p.reachable, p.latency_ms as "latencyMs", p.result, s.agent_id as "agentId", s.endpoint_id as "endpointId"
      from check_result_points p join check_result_series s on s.id = p.series_id where s.agent_id = ${agentId}`;
    return new Map(rows.map((r) => [r.id, { ...r, ts: Number(r.ts), receivedAt: Number(r.receivedAt) }]));
  } finally {
    await sql.end();
  }
}

describe.each(dialects())('stored check result rows on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
  });
  afterAll(() => s.close());

  it('keeps every column as written: exact milliseconds, the JSON unchanged, nulls', async () => {
    const agentId = newId();
    const [e1, e2] = [newId(), newId()];
    // Milliseconds that a float or a text round trip could shift: .001, .999, a whole second, a far date.
    const base = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    const awkward = {
      hops: [{ hop: 1, name: 'quote " backslash \\ brace { } comma , NULL', latency_ms: null }],
      note: 'NULL',
      unicode: 'é ü 中文 😀',
      escapes: 'tab\tnewline\nslash/',
      nested: { empty: [], obj: {}, deep: [[1, 2.5e-7], { x: -0.0001 }] },
    };
    const received = new Date(base + 5_999);
    const rows: CheckResultRow[] = [
      { id: newId(), tenantId, agentId, endpointId: e1, checkType: 'traceroute', ts: new Date(base + 1), reachable: true, latencyMs: 12.345678, result: awkward, receivedAt: received },
      {
        id: newId(),
        tenantId,
        agentId,
        endpointId: e1,
        checkType: 'ping',
        ts: new Date(base + 999),
        reachable: false,
        latencyMs: null,
        result: { resolved_ip: '', error_details: { errors: ['a "b"'] } },
        receivedAt: received,
      },
      { id: newId(), tenantId, agentId, endpointId: e2, checkType: 'httpget', ts: new Date(base + 2_000), reachable: true, latencyMs: 0, result: {}, receivedAt: received },
    ];
    const written = await s.repos.ingest.writeBatch([{ tenantId, agentId, receivedAt: received, samples: [], inventory: null, results: rows }], () => null);
    expect(written.resultsWritten).toBe(3);

    const stored = await storedRows(s.databaseUrl, agentId);
    expect(stored.size).toBe(3);
    for (const r of rows) {
      expect(stored.get(r.id)).toEqual({
        id: r.id,
        ts: r.ts.getTime(),
        receivedAt: received.getTime(),
        checkType: r.checkType,
        reachable: r.reachable,
        latencyMs: r.latencyMs,
        result: r.result,
        agentId,
        endpointId: r.endpointId,
      });
    }
  });
});
