/**
 * /metrics passes Prometheus' own checker: `promtool check metrics` (Debian's `prometheus` package) reads
 * the exposition after some traffic and must exit 0 (no naming or type problems). Missing promtool skips
 * the check locally; under CI=true it fails, so CI never passes without it (see helpers/promtool.ts, also
 * used by the alert rule tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promtool, skipWithoutPromtool } from '../helpers/promtool.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('/metrics exposition (%s)', (dialect) => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(() => t.close());

  it.skipIf(skipWithoutPromtool)('passes promtool check metrics after traffic', async () => {
    await t.fetch('/healthz');
    await t.fetch('/api/v1/tokens', { headers: { authorization: `Bearer ${t.adminToken}` } });
    await t.fetch('/api/v1/tokens');
    await t.fetch('/api/v1/tokens/00000000-0000-7000-8000-000000000000', { headers: { authorization: `Bearer ${t.adminToken}` } });
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    const exposition = await res.text();
    expect(exposition).toContain('http_request_duration_seconds_bucket');
    expect(exposition).toContain('nodejs_active_handles{');
    expect(promtool(['check', 'metrics'], { input: exposition })).toEqual({ status: 0, output: '' });
  });
});
