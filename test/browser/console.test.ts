/**
 * The web console in a real headless Chromium against a real server with seeded data: sign-in and out,
 * the agents table, claiming a Smotra registration, a command's live output, key rotation from the agent
 * page, policy editing with its
 * effective configuration, cookie and CSP protections, and axe-core on every main page (with screenshots).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/services/secrets.ts';
import { startTestServer } from '../helpers/server.ts';
import { ack, takeCommand, uploadOutput } from './agent-sim.ts';
import { launch, screenshot, seriousViolations, signIn, watchedPage } from './browser.ts';
import { registerSmotra, type SeededAgent, seedAgents } from './seed.ts';

describe('web console in Chromium', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let agents: SeededAgent[];
  const url = (hash: string) => `${s.url}/console#${hash}`;
  /** A fresh load of a view (a hash change alone would keep the previous view's state and focus). */
  const visit = async (hash: string) => {
    await page.goto('about:blank');
    await page.goto(url(hash));
  };

  beforeAll(async () => {
    s = await startTestServer({ dialect: 'sqlite' });
    const admin = await s.repos.operatorTokens.findByHash(hashSecret(s.adminToken));
    // web-00008 can rotate its key on request; the others declare run_command only.
    agents = await seedAgents(s.repos, admin!.tenantId, 120, (i) => ({
      online: i % 3 === 0,
      lastSeenAt: new Date(Date.now() - i * 60_000),
      ...(i === 8 ? { capabilities: ['run_command', 'rotate_key'] } : {}),
    }));
    await s.client.POST('/api/v1/sections', { body: { name: 'Berlin' } });
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ({ page, problems } = await watchedPage(context));
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  describe('sign-in', () => {
    it('rejects a bad token with the problem details and request id', async () => {
      await page.goto(`${s.url}/`);
      expect(page.url()).toBe(`${s.url}/console`);
      await page.getByLabel('Operator token').fill('opk_notAToken');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent()).toMatch(/401.*unknown, revoked or expired operator token.*request id [0-9a-f-]{36}/s);
      await screenshot(page, 'sign-in-rejected');
    });

    it('signs in with an HttpOnly, SameSite=Strict cookie and keeps the token out of web storage', async () => {
      await signIn(page, s.url, s.adminToken);
      const cookies = await context.cookies();
      expect(cookies).toEqual([expect.objectContaining({ name: 'agentry_session', httpOnly: true, sameSite: 'Strict', secure: false })]);
      const storage = String(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie'));
      expect(storage).not.toContain(s.adminToken);
      expect(storage).not.toContain('ses_');
    });
  });

  describe('agents', () => {
    it('pages through the fleet with the cursor and filters with the API', async () => {
      await visit('/agents');
      const rows = page.locator('table.agents tbody tr');
      await expect.poll(() => rows.count()).toBe(50);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => page.getByText('Page 2').count()).toBe(1);
      await expect.poll(() => rows.first().textContent()).toContain('web-00050');
      await page.getByRole('combobox', { name: 'Online' }).selectOption('true');
      await expect.poll(() => rows.count()).toBe(40);
      expect(await page.locator('table.agents tbody').textContent()).not.toContain('offline');
      await page.getByLabel('Search').fill('web-0011');
      await expect.poll(() => rows.count()).toBe(3); // web-00110 … web-00119, online ones only: 111, 114, 117
      await screenshot(page, 'agents-filtered');
    });

    it('sorts the whole fleet through the API, across pages', async () => {
      await visit('/agents');
      const rows = page.locator('table.agents tbody tr');
      await expect.poll(() => rows.count()).toBe(50);
      const header = (name: string) => page.locator('table.agents thead th', { has: page.getByRole('button', { name, exact: true }) });
      await header('Last seen').getByRole('button').click(); // oldest first: the agent seeded last was seen longest ago
      await expect.poll(() => rows.first().textContent()).toContain('web-00119');
      expect(await header('Last seen').getAttribute('aria-sort')).toBe('ascending');
      await header('Hostname').getByRole('button').click();
      await header('Hostname').getByRole('button').click();
      expect(await header('Hostname').getAttribute('aria-sort')).toBe('descending');
      // A sort of the loaded page only would start at web-00049: the server sorted all 120 agents.
      await expect.poll(() => rows.first().textContent()).toContain('web-00119');
      await expect.poll(() => rows.nth(49).textContent()).toContain('web-00070');
      await page.getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => page.getByText('Page 2').count()).toBe(1);
      await expect.poll(() => rows.first().textContent()).toContain('web-00069');
      const { data } = await s.client.GET('/api/v1/agents', { params: { query: { sort: '-hostname', limit: 50 } } });
      const second = await s.client.GET('/api/v1/agents', { params: { query: { sort: '-hostname', limit: 50, cursor: data!.nextCursor! } } });
      expect(await page.locator('table.agents tbody tr td:nth-child(2)').allTextContents()).toEqual(second.data!.items.map((a) => a.hostname));
      await screenshot(page, 'agents-sorted');
    });

    it('remembers the chosen columns', async () => {
      await visit('/agents');
      await page.locator('summary', { hasText: 'Columns' }).click();
      await page.getByRole('checkbox', { name: 'IP' }).uncheck();
      await page.reload();
      await page.locator('table.agents').waitFor();
      expect(await page.locator('table.agents thead').textContent()).not.toContain('IP');
      expect(await page.locator('table.agents thead').textContent()).toContain('Hostname');
    });

    it('tags the selected agents in bulk', async () => {
      await visit('/agents');
      await page.getByLabel('Select web-00001').check();
      await page.getByLabel('Select web-00002').check();
      await page.getByLabel('Tag', { exact: true }).last().fill('canary');
      await page.getByRole('button', { name: 'Add tag' }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'done' }).textContent()).toContain('2 done, 0 failed');
      const tagged = await s.client.GET('/api/v1/agents', { params: { query: { tag: 'canary' } } });
      expect(tagged.data!.items.map((a) => a.hostname).sort()).toEqual(['web-00001', 'web-00002']);
    });
  });

  it('claims a pending Smotra registration', async () => {
    const { agentId, claimToken } = await registerSmotra(s.url, 'smotra-edge-1');
    await visit('/pending');
    await page.getByRole('button', { name: 'Claim smotra-edge-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Claim smotra-edge-1' });
    await dialog.getByLabel('Claim token').fill(claimToken);
    await dialog.getByLabel('Section').selectOption({ label: 'Berlin' });
    await screenshot(page, 'claim-dialog');
    await dialog.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const claimed = await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } });
    expect(claimed.data).toMatchObject({ hostname: 'smotra-edge-1', status: 'active' });
  });

  it('previews the agents a command targets, and those it would skip', async () => {
    await visit('/commands/new');
    await page.getByRole('combobox', { name: 'By' }).selectOption('tags');
    await page.getByLabel('Tags (comma-separated)').fill('db');
    const preview = page.locator('.preview');
    const resolved = page.waitForRequest((r) => r.url().endsWith('/api/v1/commands/preview?limit=20') && r.method() === 'POST');
    await expect.poll(() => preview.textContent()).toMatch(/^24 agents resolve now, 24 can run it\..*All of them can run this type\./s);
    expect((await resolved).postDataJSON()).toEqual({ type: 'run_command', targets: { tags: ['db'] } });
    // Every tag counts, as when sending (db: 24 agents, web: 96).
    await page.getByLabel('Tags (comma-separated)').fill('db,web');
    await expect.poll(() => preview.textContent()).toMatch(/^120 agents resolve now, 120 can run it\./);
    await page.getByRole('combobox', { name: 'Type' }).selectOption('update_package');
    await expect.poll(() => preview.textContent()).toContain('120 will be skipped (they cannot run update_package): web-00000');
    expect(await preview.textContent()).toMatch(/^120 agents resolve now, 0 can run it\./);
    await screenshot(page, 'command-target-preview');
  });

  it('sends a command and shows its output live as the agent uploads it', async () => {
    const target = agents[3]!;
    await visit(`/commands/new?agentIds=${target.id}`);
    await page.getByLabel('Command', { exact: true }).fill('uptime');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1 agents resolve now, 1 can run it.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/#\/commands\/[0-9a-f-]{36}$/);
    const commandId = await takeCommand(s.url, target);
    await page.getByRole('button', { name: 'Show output' }).click();
    const stdout = page.getByTestId('stdout');
    await uploadOutput(s.url, target, commandId, 0, 'load average: 0.01\n');
    await expect.poll(() => stdout.textContent()).toBe('load average: 0.01\n');
    await uploadOutput(s.url, target, commandId, 19, 'second line\n');
    await expect.poll(() => stdout.textContent()).toBe('load average: 0.01\nsecond line\n');
    await ack(s.url, target, commandId);
    await expect.poll(() => page.getByText('Ended: succeeded').count()).toBe(1);
    await screenshot(page, 'command-output');
  });

  it('asks an agent to rotate its key from its page, and shows when an agent cannot', async () => {
    const rotations = async (agentId: string) => (await s.client.GET('/api/v1/commands', { params: { query: { agentId, type: 'rotate_key' } } })).data!.items;
    const capable = agents[8]!;
    await visit(`/agents/${capable.id}`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await expect.poll(() => page.getByText('Rotation requested.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Revoke key' }).count()).toBe(1);
    const [command] = await rotations(capable.id);
    expect(command).toMatchObject({ type: 'rotate_key', targets: { agentIds: [capable.id] }, counts: { pending: 1, skipped: 0 } });
    await screenshot(page, 'agent-rotate-key');
    await page.getByRole('link', { name: 'View the command' }).click();
    await page.waitForURL(new RegExp(`#/commands/${command!.id}$`));

    const lacking = agents[1]!;
    await visit(`/agents/${lacking.id}`);
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Rotate key' }).click();
    expect(await rotations(lacking.id)).toEqual([]); // dismissing the confirmation sends nothing
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await expect.poll(() => page.getByText('Skipped: this agent does not declare the rotate_key capability.').count()).toBe(1);
    expect((await rotations(lacking.id))[0]).toMatchObject({ counts: { pending: 0, skipped: 1 } });
  });

  it('edits a policy with inline contract errors, previews it, and shows the effective configuration', async () => {
    await visit('/policies/new');
    await page.getByLabel('Name').fill('Fast heartbeats');
    const body = page.getByLabel('Body (JSON)');
    await body.fill('{ "heartbeatIntervalSecs": 0 }');
    await expect.poll(() => page.locator('#err-body').textContent()).toMatch(/heartbeatIntervalSecs.*>= 1/);
    await body.fill('{ "heartbeatIntervalSecs": 45 }');
    await expect.poll(() => page.getByRole('region', { name: 'Preview' }).textContent()).toContain('45');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/policies\/[0-9a-f-]{36}$/);
    await visit(`/agents/${agents[0]!.id}?tab=config`);
    const row = page.getByRole('row').filter({ hasText: 'heartbeatIntervalSecs' });
    await expect.poll(() => row.textContent()).toMatch(/45.*Fast heartbeats/);
    await screenshot(page, 'agent-configuration');
  });

  it('keeps the draft and shows the conflict when someone else saved first', async () => {
    const list = await s.client.GET('/api/v1/policies');
    const policy = list.data!.items.find((p) => p.name === 'Fast heartbeats')!;
    await visit(`/policies/${policy.id}`);
    await page.getByLabel('Body (JSON)').fill('{ "heartbeatIntervalSecs": 50 }');
    await s.client.PATCH('/api/v1/policies/{policyId}', { params: { path: { policyId: policy.id } }, body: { priority: 7 } });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Someone else saved this policy first');
    expect(await page.getByLabel('Body (JSON)').inputValue()).toContain('50');
  });

  it('shows the system summary to a system token, with the figures of GET /admin/stats', async () => {
    const stats = (await s.client.GET('/api/v1/admin/stats')).data!;
    await visit('/settings');
    const panel = page.getByRole('region', { name: 'System' });
    await panel.getByRole('table').first().waitFor();
    const agentsRow = await panel.getByRole('row', { name: /Agents online/ }).textContent();
    expect(agentsRow).toContain(`${stats.agents.online} / ${stats.agents.offline} / ${stats.agents.revoked}`);
    expect(stats.agents.online + stats.agents.offline).toBeGreaterThanOrEqual(120);
    expect(await panel.getByRole('row', { name: /Telemetry rows/ }).textContent()).toContain(`(${stats.telemetry.storage})`);
    await screenshot(page, 'settings-system');
  });

  describe('security', () => {
    it('serves the console with a strict CSP and immutable hashed assets, and no page broke it', async () => {
      const res = await fetch(`${s.url}/console`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const js = await fetch(s.url + asset);
      expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(problems).toEqual([]);
    });

    it('refuses the session cookie on cross-origin requests', async () => {
      const same = await page.request.get(`${s.url}/api/v1/agents`, { headers: { 'sec-fetch-site': 'same-origin' } });
      expect(same.status()).toBe(200);
      const cross = await page.request.get(`${s.url}/api/v1/agents`, { headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
      expect(cross.status()).toBe(403);
      expect(await cross.json()).toMatchObject({ status: 403, detail: expect.stringContaining('console session') });
    });
  });

  describe('accessibility and layouts', () => {
    const pages: [string, string][] = [
      ['overview', '/'],
      ['agents', '/agents'],
      ['agent', '/agents/AGENT'],
      ['agent-telemetry', '/agents/AGENT?tab=telemetry'],
      ['pending', '/pending'],
      ['commands', '/commands'],
      ['new-command', '/commands/new'],
      ['policies', '/policies'],
      ['endpoints', '/endpoints'],
      ['software', '/software'],
      ['events', '/events'],
      ['audit', '/audit'],
      ['settings', '/settings'],
    ];
    it.each(pages)('%s has no serious axe-core violation', async (name, hash) => {
      await visit(hash.replace('AGENT', agents[0]!.id));
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => {}); // the event stream keeps one request open
      await page.waitForTimeout(300);
      await screenshot(page, name);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('works at 390 px and in the dark theme', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await visit('/agents');
      await page.locator('table.agents tbody tr').first().waitFor();
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'agents-390px');
      await page.getByRole('button', { name: /Switch to dark theme/ }).click();
      expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
      await screenshot(page, 'agents-390px-dark');
      expect(await seriousViolations(page)).toEqual([]);
      await page.setViewportSize({ width: 1280, height: 900 });
      await visit('/');
      await page.locator('main h1').waitFor();
      await screenshot(page, 'overview-dark');
    });

    it('is keyboard navigable: skip link, then the main navigation', async () => {
      await visit('/');
      await page.locator('main h1').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Overview');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/agents$/);
    });
  });

  it('signs out: the form is back and the old cookie no longer works', async () => {
    await visit('/');
    const [cookie] = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Operator token').waitFor();
    expect(await context.cookies()).toEqual([]);
    const res = await fetch(`${s.url}/api/v1/agents`, { headers: { cookie: `agentry_session=${cookie!.value}`, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(401);
    await screenshot(page, 'signed-out');
  });
});
