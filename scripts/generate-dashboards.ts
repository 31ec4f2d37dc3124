/**
 * `npm run dashboards`: writes the Grafana dashboards defined in scripts/dashboards/ to
 * deploy/grafana/dashboards/*.json (provisioned by deploy/compose.yaml and the Kubernetes overlays).
 * A test fails when the JSON is stale, and when a query names a metric the server does not expose.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderDashboard } from './dashboards/grafana.ts';
import { dashboards } from './dashboards/index.ts';

export const dashboardsDir = resolve(import.meta.dirname, '../deploy/grafana/dashboards');

/** File name → dashboard JSON text. */
export function renderAll(): Record<string, string> {
  return Object.fromEntries(Object.entries(dashboards).map(([file, spec]) => [file, `${JSON.stringify(renderDashboard(spec), null, 2)}\n`]));
}

if (import.meta.main) {
  mkdirSync(dashboardsDir, { recursive: true });
  for (const [file, text] of Object.entries(renderAll())) writeFileSync(resolve(dashboardsDir, file), text);
  console.log(`wrote ${Object.keys(dashboards).length} dashboards to deploy/grafana/dashboards/`);
}
