/**
 * The endpoints view in a real headless Chromium: an endpoint opened shows each agent's current state and
 * its results one by one (newest first, "Load more" by cursor, unreachable only, the whole result on
 * demand with what the check saw), and the agent page's results tab the same for that agent; no serious
 * axe-core violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { resultItem, variants } from '../factories/results.ts';
import { startTestServer } from '../helpers/server.ts';
import { launch, screenshot, seriousViolations, signIn, watchedPage } from './browser.ts';

describe('endpoints view in Chromium', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let agentId: string;

  beforeAll(async () => {
    s = await startTestServer({ dialect: 'sqlite' });
    const agent = await enrollAgent(s.client, await enrollmentSecret(s.client));
    agentId = agent.agentId;
    const endpointId = (await s.client.POST('/api/v1/endpoints', { body: { name: 'gateway', address: 'gw.example.com', checkType: 'ping' } })).data!.id;
    // 30 pings a minute apart, the newest first in the list; every fifth one (and the newest) unreachable.
    const now = Date.now();
    const results = Array.from({ length: 30 }, (_, i) => resultItem(agentId, endpointId, i % 5 === 0 ? variants.pingDown() : variants.ping([10 + i, 12 + i]), new Date(now - (i + 1) * 60_000)));
    const res = await s.fetch(`/api/v1/agent/${agentId}/results`, {
      method: 'POST',
      headers: { 'x-agent-api-key': agent.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ results }),
    });
    expect(res.status).toBe(202);
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ({ page, problems } = await watchedPage(context));
    await signIn(page, s.url, s.adminToken);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('opens an endpoint: current state, then its results newest first, 25 at a time', async () => {
    await page.goto(`${s.url}/console#/endpoints`);
    await page.getByRole('button', { name: /gateway/ }).click();
    const results = page.getByRole('region', { name: 'Check results' });
    const rows = results.locator('table.results tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    // The newest result is unreachable: the name did not resolve.
    expect(await rows.first().textContent()).toMatch(/ping.*no.*—.*0 of 1 probes answered · Failed to resolve address: nxdomain/);
    // The second: two probes, 11 and 13 ms, mean 12.
    expect(await rows.nth(1).textContent()).toMatch(/ping.*yes.*12 ms.*2 of 2 probes answered · 192\.0\.2\.1/);
    await results.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(30);
    expect(await results.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    // The status table above says the same about the agent's last result.
    expect(await page.locator('li.card table').first().textContent()).toContain(agentId.slice(0, 8));
  });

  it('narrows to the unreachable results and shows a whole result on demand', async () => {
    const results = page.getByRole('region', { name: 'Check results' });
    await results.getByLabel('Unreachable only').check();
    const rows = results.locator('table.results tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    for (const text of await rows.allTextContents()) expect(text).toContain('nxdomain');
    await rows.first().locator('summary').click();
    const json = rows.first().locator('pre.json');
    await expect.poll(() => json.isVisible()).toBe(true);
    expect(JSON.parse((await json.textContent())!)).toEqual(variants.pingDown().result);
    await screenshot(page, 'endpoint-results');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("lists the agent's own results on its page, without an agent column", async () => {
    await page.goto('about:blank');
    await page.goto(`${s.url}/console#/agents/${agentId}?tab=results`);
    const results = page.getByRole('region', { name: 'Check results' });
    const rows = results.locator('table.results tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await results.locator('thead th').allTextContents()).toEqual(['Checked', 'Check', 'Reachable', 'Latency', 'What it saw']);
    await results.getByLabel('Unreachable only').check();
    await expect.poll(() => rows.count()).toBe(6);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
