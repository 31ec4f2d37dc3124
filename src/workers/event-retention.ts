import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

/** Deletes events past their age or count limit; readers asking for them get 410 with the new start. */
export function eventRetentionJob(repos: Repositories, config: Config['events'], log: Logger): Job {
  return {
    name: 'event-retention',
    intervalMs: config.pruneIntervalSec * 1000,
    async run() {
      const before = new Date(Date.now() - config.retentionHours * 3_600_000);
      const deleted = await repos.events.prune(before, config.retentionMaxPerTenant);
      if (deleted > 0) log.info({ deleted }, 'pruned old events');
    },
  };
}
