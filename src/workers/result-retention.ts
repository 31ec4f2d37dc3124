import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

const DAY_MS = 86_400_000;
/** Rows deleted per statement, so that retention never holds the database (SQLite's single writer above all) for long. */
const PRUNE_BATCH = 5_000;

/** Deletes check results and their minute rollups older than `results.retentionDays`. */
export function resultRetentionJob(repos: Repositories, config: Config['results'], log: Logger, batch = PRUNE_BATCH): Job {
  return {
    name: 'result-retention',
    intervalMs: config.pruneIntervalSec * 1000,
    async run() {
      const deleted = await repos.results.prune(new Date(Date.now() - config.retentionDays * DAY_MS), batch);
      if (deleted > 0) log.info({ deleted }, 'check result retention applied');
    },
  };
}
