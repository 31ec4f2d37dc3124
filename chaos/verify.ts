/** What the database holds after the run: every sample answered 202 must be there, exactly once. */
import postgres from 'postgres';
import { canonicalLabels } from '../src/services/ingest/prepare.ts';
import { METRIC, SAMPLES_PER_REQUEST, type Agent } from './load.ts';

export interface StoredCheck {
  ackedSamples: number;
  storedSamples: number;
  lost: number;
  duplicated: number;
  /** When the lost samples' requests were answered 202 (ms, performance.now()), a few. */
  lostAckedAt: number[];
}

export async function checkStored(databaseUrl: string, agents: Agent[], base: number): Promise<StoredCheck> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ agent_id: string; ms: string; labels_key: string }[]>`
      select s.agent_id::text, p.ts::text as ms, s.labels_key from telemetry_points p join telemetry_series s on s.id = p.series_id where s.metric = ${METRIC}`;
    const [counts] = await sql<{ total: number; distinct: number }[]>`
      select count(*)::int as total, count(distinct (s.agent_id, p.ts, s.labels_key))::int as "distinct"
      from telemetry_points p join telemetry_series s on s.id = p.series_id where s.metric = ${METRIC}`;
    const stored = new Set(rows.map((r) => `${r.agent_id}|${r.ms}|${r.labels_key}`));
    let acked = 0;
    let lost = 0;
    const lostAckedAt: number[] = [];
    for (const agent of agents) {
      agent.acked.forEach((seq, n) => {
        for (let k = 0; k < SAMPLES_PER_REQUEST; k++) {
          acked++;
          if (stored.has(`${agent.id}|${base + seq}|${canonicalLabels({ core: String(k) })}`)) continue;
          lost++;
          if (k === 0 && lostAckedAt.length < 10) lostAckedAt.push(Math.round(agent.ackedAt[n]!));
        }
      });
    }
    return { ackedSamples: acked, storedSamples: counts!.total, lost, duplicated: counts!.total - counts!.distinct, lostAckedAt };
  } finally {
    await sql.end();
  }
}
