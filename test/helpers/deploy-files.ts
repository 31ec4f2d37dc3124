/** Readers of the operations kit under deploy/: alert rules, dashboards, compose and Kubernetes files. */
import { readFileSync } from 'node:fs';
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
