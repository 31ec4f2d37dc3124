/**
 * The ingestion writer thread (see repositories/sqlite/ingest-thread.ts): its own connection to the
 * server's SQLite database, the ingestion repository with the inventory differ and the reachability rule,
 * one transaction per batch received, and one answer per batch after its commit (what was stored, and the
 * events committed so that the request thread can wake the event feed's waiters).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CommittedEvents } from '../domain/event.ts';
import { openSqlite } from '../repositories/sqlite/db.ts';
import { SqliteIngestRepository } from '../repositories/sqlite/ingest.ts';
import { decodeBatch } from '../repositories/sqlite/ingest-transfer.ts';
import type { IngestThreadAnswer, IngestThreadBatch, IngestThreadConfig } from '../repositories/sqlite/ingest-thread.ts';
import { PointTally } from '../repositories/sqlite/point-tally.ts';
import { SqliteWriter } from '../repositories/sqlite/transaction.ts';
import { WriteGate } from '../repositories/sqlite/write-gate.ts';
import { CommitListeners } from '../repositories/shared/commit-listeners.ts';
import { diffInventory } from '../services/inventory/diff.ts';
import { reachabilityEvent } from '../services/results/reachability.ts';

const config = workerData as IngestThreadConfig; // set by IngestWriterThread.start
const db = openSqlite(config.url, config);
// The checkpoint worker checkpoints the WAL; this connection's commits must not do it on their own.
db.$client.pragma('wal_autocheckpoint = 0');
const listeners = new CommitListeners();
let committed: CommittedEvents[] = [];
listeners.add((c) => committed.push(...c));
const gate = config.gate ? new WriteGate(config.busyTimeoutMs, config.gate) : undefined;
const repository = new SqliteIngestRepository(new SqliteWriter(db, listeners, gate ? (work) => gate.writerThread(work) : undefined), new PointTally());

const port = parentPort;
port?.postMessage({ ready: true } satisfies IngestThreadAnswer);
port?.on('message', (message: IngestThreadBatch | 'stop') => {
  if (message === 'stop') {
    db.$client.close();
    port.close();
    return;
  }
  void write(message).then((answer) => port.postMessage(answer));
});

async function write({ id, batch }: IngestThreadBatch): Promise<IngestThreadAnswer> {
  committed = [];
  try {
    const result = await repository.writeBatch(decodeBatch(batch), diffInventory, reachabilityEvent);
    return { id, result, committed };
  } catch (err) {
    return { id, error: err instanceof Error ? err.message : String(err) };
  }
}
