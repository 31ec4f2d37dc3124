/**
 * Dashboards and alerts cannot silently point at nothing: every PromQL expression of the shipped Grafana
 * dashboards and Prometheus alert rules names only metrics that a running server exposes on /metrics
 * (with NATS when the run has it, so that JetStream metrics are registered), and parses (promtool checks
 * each dashboard query as a recording rule). The dashboard JSON is what scripts/dashboards/ renders.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { dashboardsDir, renderAll } from '../../scripts/generate-dashboards.ts';
import { alertRules, dashboardQueries } from '../helpers/deploy-files.ts';
import { exposedSeriesNames, metricNames, SCRAPE_SERIES } from '../helpers/promql.ts';
import { promtool, skipWithoutPromtool } from '../helpers/promtool.ts';
import { startTestServer } from '../helpers/server.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let exposed: Set<string>;

beforeAll(async () => {
  const natsUrl = inject('natsUrl');
  server = await startTestServer({ config: (c) => (c.nats.url = natsUrl ?? null) });
  // Some traffic first, so that nothing depends on a metric appearing only after its first observation.
  await server.fetch('/healthz/ready');
  exposed = exposedSeriesNames(await (await fetch(`${server.url}/metrics`)).text());
});
afterAll(() => server.close());

/** Names in `expr` that /metrics does not declare. */
const missing = (expr: string) => metricNames(expr).filter((name) => !exposed.has(name) && !SCRAPE_SERIES.has(name));

describe('Grafana dashboards', () => {
  it('are the JSON that scripts/dashboards/ renders (npm run dashboards)', () => {
    for (const [file, text] of Object.entries(renderAll())) expect({ file, json: JSON.parse(readFileSync(resolve(dashboardsDir, file), 'utf8')) }).toEqual({ file, json: JSON.parse(text) });
  });

  it('name only metrics that /metrics exposes', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(60);
    const problems = queries.map((q) => ({ ...q, missing: missing(q.expr) })).filter((q) => q.missing.length > 0 || metricNames(q.expr).length === 0);
    expect(problems).toEqual([]);
  });

  it.skipIf(skipWithoutPromtool)('have queries that parse as PromQL', () => {
    const rules = dashboardQueries().map((q, i) => ({ record: `dashboard_query_${i}`, expr: q.expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*') }));
    const dir = mkdtempSync(join(tmpdir(), 'agentry-dashboards-'));
    try {
      writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
      const check = promtool(['check', 'rules', 'queries.yaml'], { cwd: dir });
      expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Prometheus alert rules', () => {
  it('name only metrics that /metrics exposes', () => {
    const problems = alertRules()
      .map((r) => ({ alert: r.alert, missing: missing(r.expr) }))
      .filter((r) => r.missing.length > 0);
    expect(problems).toEqual([]);
  });
});
