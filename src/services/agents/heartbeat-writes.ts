/**
 * Group commit for heartbeat writes: the writes that arrive while one is in flight go together in the
 * next (one statement and one commit for the online agents), and each heartbeat is answered after the
 * commit that holds it. Without it every written heartbeat was its own commit, and on Postgres the disk
 * flush per commit, not the CPU, set the heartbeat rate.
 */
import type { HeartbeatWrite } from '../../repositories/ports/agent.ts';
import type { Repositories } from '../../repositories/types.ts';
import { GroupCommit } from '../../lib/group-commit.ts';

interface Pending {
  beat: HeartbeatWrite;
  resolve(outcome: 'written' | 'online'): void;
  reject(err: unknown): void;
}

/** Writes per commit at most: a bound on the statement's size, far above what a busy instance queues. */
const MAX_BATCH = 2000;

export class HeartbeatWrites {
  private readonly groups: GroupCommit<Pending>;
  private readonly repos: Repositories;

  /** `concurrency`: commits in flight at once (Postgres overlaps their disk waits; SQLite writes synchronously). */
  constructor(repos: Repositories, concurrency: number) {
    this.repos = repos;
    this.groups = new GroupCommit((batch) => this.commit(batch), { concurrency, maxGroup: MAX_BATCH });
  }

  write(beat: HeartbeatWrite): Promise<'written' | 'online'> {
    return new Promise((resolve, reject) => this.groups.add({ beat, resolve, reject }));
  }

  /** A failed group is retried write by write, so that one bad write fails only its own heartbeat. */
  private async commit(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.repos.agents.recordHeartbeats(batch.map((p) => p.beat));
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outcomes[i]!);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) await this.commit([p]);
    }
  }
}
