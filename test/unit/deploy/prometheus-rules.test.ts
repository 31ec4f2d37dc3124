/**
 * The shipped alert rules (deploy/prometheus/alerts.yaml) pass `promtool check rules`, and their unit
 * tests (alerts.test.yaml) pass `promtool test rules`. Every alert has at least one case where it fires
 * and one where it stays silent, and a section of docs/runbook.md that its `runbook` annotation links to.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertRules, deployDir, repoRoot } from '../../helpers/deploy-files.ts';
import { promtool, skipWithoutPromtool } from '../../helpers/promtool.ts';

const dir = resolve(deployDir, 'prometheus');

interface RuleTests {
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

describe('Prometheus alert rules', () => {
  it.skipIf(skipWithoutPromtool)('pass promtool check rules', () => {
    const check = promtool(['check', 'rules', 'alerts.yaml'], { cwd: dir });
    expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.status).toBe(0);
  });

  it.skipIf(skipWithoutPromtool)('pass their promtool unit tests', () => {
    const run = promtool(['test', 'rules', 'alerts.test.yaml'], { cwd: dir });
    expect(run).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('each have a section in docs/runbook.md', () => {
    const headings = [...readFileSync(resolve(repoRoot, 'docs/runbook.md'), 'utf8').matchAll(/^### (\w+)$/gm)].map((m) => m[1]);
    for (const rule of alertRules()) expect(headings).toContain(rule.alert);
  });

  it('have a firing and a silent unit test each, a severity and a runbook link', () => {
    const tests = (parse(readFileSync(resolve(dir, 'alerts.test.yaml'), 'utf8')) as RuleTests).tests.flatMap((t) => t.alert_rule_test ?? []);
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      const cases = tests.filter((t) => t.alertname === rule.alert);
      expect({ alert: rule.alert, fires: cases.some((c) => c.exp_alerts.length > 0) }).toEqual({ alert: rule.alert, fires: true });
      expect({ alert: rule.alert, silent: cases.some((c) => c.exp_alerts.length === 0) }).toEqual({ alert: rule.alert, silent: true });
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.runbook).toBe(`docs/runbook.md#${rule.alert!.toLowerCase()}`);
    }
  });
});
