/** Readers of the operations kit under deploy/: alert rules, dashboards, compose and Kubernetes files. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const deployDir = resolve(repoRoot, 'deploy');

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alerting rules of deploy/prometheus/alerts.yaml. */
export function alertRules(): AlertRule[] {
  // A rule file's shape is fixed by Prometheus; promtool check rules (in the rule tests) validates it.
  const file = parse(readFileSync(resolve(deployDir, 'prometheus/alerts.yaml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

/** Every PromQL expression of the JSON dashboards under deploy/grafana/dashboards/: panel targets and query variables. */
export function dashboardQueries(): DashboardQuery[] {
  const dir = resolve(deployDir, 'grafana/dashboards');
  const queries: DashboardQuery[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    // Grafana's dashboard JSON: only the fields read here are typed.
    const dashboard = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as {
      panels: { title: string; type: string; targets?: { expr: string }[] }[];
      templating: { list: { name: string; definition?: string }[] };
    };
    for (const panel of dashboard.panels) for (const t of panel.targets ?? []) queries.push({ dashboard: file, panel: panel.title, expr: t.expr });
    for (const v of dashboard.templating.list) if (v.definition) queries.push({ dashboard: file, panel: `$${v.name}`, expr: v.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1') });
  }
  return queries;
}
