/**
 * The dependencies the chaos suite breaks: a throwaway Postgres cluster (test/helpers/postgres.ts) that can
 * be crashed, restarted, frozen and thawed, and a JetStream nats-server (test/helpers/nats.ts) that can be
 * SIGKILLed and restarted on the same port and store. Both on loopback, both removed at the end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../test/helpers/postgres.ts';
import { startNats, type NatsServer } from '../test/helpers/nats.ts';

export interface Infra {
  pg: PostgresCluster;
  nats: NatsServer;
  databaseUrl: string;
  /** SIGSTOP (freeze) or SIGCONT (thaw) the postmaster and every backend. */
  signalPostgres(signal: 'SIGSTOP' | 'SIGCONT'): number;
  close(): Promise<void>;
}

export async function startInfra(): Promise<Infra> {
  // Committed means in the WAL, as in production: a crash of the server process must not lose a commit.
  const pg = await startPostgresCluster({ durable: true });
  let nats: NatsServer | undefined;
  try {
    nats = await startNats();
    const databaseUrl = await createDatabase(pg.url, 'chaos');
    return {
      pg,
      nats,
      databaseUrl,
      signalPostgres: (signal) => {
        const pids = postgresProcesses(pg.dir);
        for (const pid of pids) process.kill(pid, signal);
        return pids.length;
      },
      close: async () => {
        await nats!.stop();
        pg.stop();
      },
    };
  } catch (err) {
    await nats?.stop();
    pg.stop();
    throw err;
  }
}

/** The postmaster (from its pid file) and its children (from /proc), by process id. */
function postgresProcesses(clusterDir: string): number[] {
  const postmaster = Number(readFileSync(join(clusterDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid (the command, field 2, is parenthesised).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface StreamState {
  /** Messages stored in the stream. */
  messages: number;
  /** Not yet delivered + delivered and not yet acked. */
  backlog: number;
  /** Stored messages at or below the consumer's ack floor: acked, never to be delivered again, still taking room. */
  belowAckFloor: number;
}

/** The ingestion stream and its consumer, as the NATS server has them. */
export async function streamState(natsUrl: string, stream: string): Promise<StreamState> {
  const nc = await connect({ servers: natsUrl, timeout: 2000, reconnect: false });
  try {
    const jsm = await nc.jetstreamManager();
    const s = await jsm.streams.info(stream);
    const c = await jsm.consumers.info(stream, 'agentry-ingest-writer');
    const floor = c.ack_floor.stream_seq;
    const belowAckFloor = s.state.messages === 0 || s.state.first_seq > floor ? 0 : Math.min(s.state.messages, Math.max(0, s.state.messages - c.num_pending - c.num_ack_pending));
    return { messages: s.state.messages, backlog: c.num_pending + c.num_ack_pending, belowAckFloor };
  } finally {
    await nc.close();
  }
}
