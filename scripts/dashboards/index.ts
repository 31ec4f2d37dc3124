/** Every shipped dashboard, by file name under deploy/grafana/dashboards/. */
import { commands } from './commands.ts';
import { fleet } from './fleet.ts';
import type { DashboardSpec } from './grafana.ts';
import { ingestion } from './ingestion.ts';
import { serviceHealth } from './service-health.ts';

export const dashboards: Record<string, DashboardSpec> = {
  'service-health.json': serviceHealth,
  'ingestion.json': ingestion,
  'fleet.json': fleet,
  'commands.json': commands,
};
