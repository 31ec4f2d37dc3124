/** The CLI as users run it: zero-config start, SIGTERM, migrate, token create, config errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, waitForHttp } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('agentry serve', () => {
  it('starts with no config on SQLite in ./data, prints the admin token once, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const first = runCli(['serve'], { cwd: dir, env: { PORT: String(port) } });
    const health = await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const token = /opk_[0-9A-Za-z]{43}/.exec(first.stdout())?.[0];
    expect(token).toBeDefined();
    const me = await fetch(`http://127.0.0.1:${port}/api/v1`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { principal: { role: string } }).principal.role).toBe('system');
    // the token appears once on stdout and never in a log line
    expect(first.stdout().split(token!).length).toBe(2);
    for (const line of first
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{')))
      expect(line).not.toContain(token!);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain('shutdown complete');

    const second = runCli(['serve'], { cwd: dir, env: { PORT: String(port) } });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    expect(second.stdout()).not.toMatch(/opk_/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('uses AGENTRY_ADMIN_TOKEN as the first admin token', async () => {
    const port = await freePort();
    const token = `opk_${'A'.repeat(43)}`;
    const p = runCli(['serve'], { cwd: dir, env: { PORT: String(port), AGENTRY_DATABASE_URL: `sqlite:${join(dir, 'admin.db')}`, AGENTRY_ADMIN_TOKEN: token } });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    const me = await fetch(`http://127.0.0.1:${port}/api/v1`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(p.stdout()).not.toContain(token);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('refuses a bad configuration, naming the key', async () => {
    const p = runCli(['serve'], { cwd: dir, env: { PORT: 'eighty' } });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('server.port: must be integer (from PORT)');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'database:\n  url: mysql://nope\n');
    const q = runCli(['serve', '-c', file], { cwd: dir });
    expect(await q.exited).toBe(2);
    expect(q.stderr()).toMatch(/database\.url: must match pattern/);
  });
});

describe('agentry migrate and token create', () => {
  it('migrates a fresh database, then issues a token that a server accepts', async () => {
    const db = `sqlite:${join(dir, 'cli.db')}`;
    const migrate = runCli(['migrate'], { cwd: dir, env: { AGENTRY_DATABASE_URL: db } });
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout()).toContain('migrations applied (sqlite)');

    const noTenant = runCli(['token', 'create', '--role', 'admin'], { cwd: dir, env: { AGENTRY_DATABASE_URL: db } });
    expect(await noTenant.exited).toBe(2);
    expect(noTenant.stderr()).toContain('start the server once');

    const port = await freePort();
    const server = runCli(['serve'], { cwd: dir, env: { PORT: String(port), AGENTRY_DATABASE_URL: db } });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    const create = runCli(['token', 'create', '--role', 'operator', '--name', 'automation'], { cwd: dir, env: { AGENTRY_DATABASE_URL: db } });
    expect(await create.exited).toBe(0);
    const secret = create.stdout().trim();
    expect(secret).toMatch(/^opk_[0-9A-Za-z]{43}$/);
    const me = await fetch(`http://127.0.0.1:${port}/api/v1`, { headers: { authorization: `Bearer ${secret}` } });
    expect(((await me.json()) as { principal: { role: string; name: string } }).principal).toMatchObject({ role: 'operator', name: 'automation' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const badRole = runCli(['token', 'create', '--role', 'root'], { cwd: dir, env: { AGENTRY_DATABASE_URL: db } });
    expect(await badRole.exited).toBe(2);
    expect(badRole.stderr()).toContain('--role must be one of');
  });

  it('token generate prints a fresh secret', async () => {
    const p = runCli(['token', 'generate'], { cwd: dir });
    expect(await p.exited).toBe(0);
    expect(p.stdout().trim()).toMatch(/^opk_[0-9A-Za-z]{43}$/);
  });
});
