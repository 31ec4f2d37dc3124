import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

/** Forgets Idempotency-Keys past their TTL. */
export function idempotencyCleanupJob(repos: Repositories, config: Config['idempotency'], log: Logger): Job {
  return {
    name: 'idempotency-cleanup',
    intervalMs: config.pruneIntervalSec * 1000,
    async run() {
      const deleted = await repos.idempotency.prune(new Date());
      if (deleted > 0) log.debug({ deleted }, 'pruned expired idempotency keys');
    },
  };
}
