import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

const BATCH = 500;

/**
 * Moves executions still pending or delivered (never started) past their command's TTL to `expired`,
 * each transition a `command_execution_updated` event of its tenant. Runs on every instance; the
 * conditional update (SKIP LOCKED on Postgres) keeps two runs from expiring one execution twice.
 */
export function commandExpiryJob(repos: Repositories, config: Config['commands'], log: Logger): Job {
  return {
    name: 'command-expiry',
    intervalMs: config.expiryCheckIntervalSec * 1000,
    async run() {
      const now = new Date();
      for (;;) {
        const expired = await repos.commands.expire(now, BATCH, (e) => ({
          events: [
            {
              tenantId: e.tenantId,
              type: 'command_execution_updated',
              resourceType: 'command',
              resourceId: e.commandId,
              data: { agentId: e.agentId, state: e.state, reason: e.reason, exitCode: null },
              createdAt: now,
            },
          ],
        }));
        if (expired.length > 0) log.info({ count: expired.length }, 'command executions expired');
        if (expired.length < BATCH) break;
      }
    },
  };
}
