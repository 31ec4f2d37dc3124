/** What the crash tests read back after a restart: the stored samples, the JetStream stream's state, the server's warnings. */
import Database from 'better-sqlite3';
import { connect } from 'nats';
import postgres from 'postgres';
import type { CliProcess } from './cli.ts';

export interface StoredSample {
  agentId: string;
  metric: string;
  tsMs: number;
  labelsKey: string;
  value: number;
}

/** Every stored sample with its series' identity. */
const SAMPLES = '(select s.agent_id, s.metric, p.ts, s.labels_key, p.value from telemetry_points p join telemetry_series s on s.id = p.series_id) as samples';

export async function readSamples(databaseUrl: string): Promise<{ rows: StoredSample[]; total: number; distinct: number }> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare(`select agent_id as agentId, metric, ts as tsMs, labels_key as labelsKey, value from ${SAMPLES}`).all() as StoredSample[];
      const { total } = db.prepare(`select count(*) as total from ${SAMPLES}`).get() as { total: number };
      const { distinct } = db.prepare(`select count(*) as "distinct" from (select distinct agent_id, metric, ts, labels_key from ${SAMPLES})`).get() as { distinct: number };
      return { rows, total, distinct };
    } finally {
      db.close();
    }
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const raw = await sql<{ agent_id: string; metric: string; ts: number; labels_key: string; value: number }[]>`select agent_id::text, metric, ts::float8 as ts, labels_key, value from ${sql.unsafe(SAMPLES)}`;
    const [counts] = await sql<{ total: number; distinct: number }[]>`
      select count(*)::int as total, count(distinct (agent_id, metric, ts, labels_key))::int as "distinct" from ${sql.unsafe(SAMPLES)}`;
    const rows = raw.map((r) => ({ agentId: r.agent_id, metric: r.metric, tsMs: r.ts, labelsKey: r.labels_key, value: r.value }));
    return { rows, total: counts!.total, distinct: counts!.distinct };
  } finally {
    await sql.end();
  }
}

/** Messages still in the (work-queue) stream: 0 once the consumer has written and acked everything. */
export async function streamMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url, timeout: 2000, reconnect: false });
  try {
    const jsm = await nc.jetstreamManager();
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 2000, reconnect: false });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Log lines at warn or above (pino JSON on stdout), for the report. */
export function warnings(p: CliProcess): string[] {
  return p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .filter((l) => {
      try {
        return (JSON.parse(l) as { level: number }).level >= 40;
      } catch {
        return false;
      }
    });
}
