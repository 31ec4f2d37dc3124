/**
 * A write whose commit needs no sync of its own. In WAL mode commits reach the file in order, so the next
 * synced commit (`synchronous = FULL`) makes this one durable with it; a power loss before then can drop
 * it only together with everything committed after it.
 *
 * For writes that no answer depends on by themselves: an idempotency claim, whose request is answered only
 * after a synced commit of its own work or of the key's completion. A claim lost with a crash guarded
 * nothing that was answered, and the client's retry claims the key again.
 */
import type Database from 'better-sqlite3';

export function commitUnsynced<T>(client: Database.Database, write: () => T): T {
  const level = client.pragma('synchronous', { simple: true }) as number;
  // 0 OFF, 1 NORMAL: nothing to save.
  if (level <= 1) return write();
  client.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    client.pragma(`synchronous = ${level}`);
  }
}
