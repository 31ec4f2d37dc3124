import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

const BATCH = 500;

/**
 * Marks agents offline after `agents.offlineAfterSec` of silence, each transition an `agent_offline` event;
 * the next heartbeat brings them back online. Also forgets unclaimed registrations a day past their expiry.
 */
export function offlineDetectionJob(repos: Repositories, config: Config['agents'], log: Logger): Job {
  return {
    name: 'offline-detection',
    intervalMs: config.offlineCheckIntervalSec * 1000,
    async run() {
      const now = new Date();
      const cutoff = new Date(now.getTime() - config.offlineAfterSec * 1000);
      for (;;) {
        const marked = await repos.agents.markOffline(cutoff, now, BATCH, (agent) => ({
          events: [{ tenantId: agent.tenantId, type: 'agent_offline', resourceType: 'agent', resourceId: agent.id, data: { lastSeenAt: agent.lastSeenAt?.toISOString() ?? null }, createdAt: now }],
        }));
        if (marked.length > 0) log.info({ count: marked.length }, 'agents marked offline');
        if (marked.length < BATCH) break;
      }
      await repos.registrations.pruneExpired(new Date(now.getTime() - 86_400_000));
    },
  };
}
