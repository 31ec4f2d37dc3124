import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Repositories } from '../repositories/types.ts';
import type { Job } from './runner.ts';

const DAY_MS = 86_400_000;

/**
 * Creates the coming days' telemetry partitions (Postgres) and applies retention: samples past
 * `telemetry.retentionDays` (whole partitions where possible) and change history past
 * `inventory.changeRetentionDays`. Also run once at start, before the server accepts samples.
 */
export function telemetryMaintenanceJob(repos: Repositories, config: Pick<Config, 'telemetry' | 'inventory'>, log: Logger): Job {
  return {
    name: 'telemetry-maintenance',
    intervalMs: config.telemetry.maintenanceIntervalSec * 1000,
    async run() {
      await prepareTelemetryStorage(repos, config.telemetry, log);
      const now = Date.now();
      const dropped = await repos.telemetry.prune(new Date(now - config.telemetry.retentionDays * DAY_MS));
      if (dropped.length > 0) log.info({ dropped }, 'telemetry retention applied');
      const changes = await repos.inventory.pruneChanges(new Date(now - config.inventory.changeRetentionDays * DAY_MS));
      if (changes > 0) log.info({ deleted: changes }, 'pruned old inventory changes');
    },
  };
}

/** Partitions for yesterday (late samples) through `partitionDaysAhead` days from now. */
export async function prepareTelemetryStorage(repos: Repositories, config: Config['telemetry'], log: Logger): Promise<void> {
  const now = Date.now();
  const created = await repos.telemetry.prepare(new Date(now - DAY_MS), new Date(now + config.partitionDaysAhead * DAY_MS));
  if (created.length > 0) log.info({ created }, 'telemetry partitions created');
}
