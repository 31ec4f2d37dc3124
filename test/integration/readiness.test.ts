/** /healthz/ready checks the database and NATS for real and names what is down; the readiness_check_ok gauge says the same. */
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startNats } from '../helpers/nats.ts';
import { startPostgresCluster } from '../helpers/postgres.ts';
import { startTestServer } from '../helpers/server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('readiness', () => {
  it('SQLite: ready, and liveness/health answer', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    const ready = await s.fetch('/healthz/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
    expect((await s.fetch('/healthz/live')).status).toBe(200);
    expect(await readinessGauge(s.url)).toEqual({ database: '1' });
  });

  it.runIf(inject('pgUrl') !== null)('Postgres down: 503 naming the database, back to 200 when it returns', async () => {
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.stop());
    const s = await startTestServer({ databaseUrl: cluster.url });
    cleanups.push(() => s.close());
    expect((await s.fetch('/healthz/ready')).status).toBe(200);
    cluster.halt();
    const down = await s.fetch('/healthz/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
    const body = (await down.json()) as { detail: string; checks: { database: { status: string } } };
    expect(body.detail).toMatch(/^not ready: database: /);
    expect(body.checks.database.status).toBe('failing');
    expect((await s.fetch('/healthz/live')).status).toBe(200);
    cluster.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await s.fetch('/healthz/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });

  it.runIf(inject('natsUrl') !== null)('NATS configured: checked; when it stops, 503 naming nats', async () => {
    const nats = await startNats();
    const s = await startTestServer({ config: (c) => (c.nats.url = nats.url) });
    cleanups.push(() => s.close());
    const ready = await s.fetch('/healthz/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { status: 'ok' }, nats: { status: 'ok' } } });
    await nats.stop();
    const down = await s.fetch('/healthz/ready');
    expect(down.status).toBe(503);
    const body = (await down.json()) as { detail: string; checks: { nats: { status: string }; database: { status: string } } };
    expect(body.detail).toContain('nats:');
    expect(body.detail).not.toContain('database:');
    expect(body.checks.nats.status).toBe('failing');
    expect(body.checks.database.status).toBe('ok');
    expect(await readinessGauge(s.url)).toEqual({ database: '1', nats: '0' });
  });
});

/** `readiness_check_ok{check="…"} v` lines of /metrics, by check. */
async function readinessGauge(url: string): Promise<Record<string, string>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^readiness_check_ok\{check="(\w+)"\} (\S+)$/gm)].map((m) => [m[1], m[2]]));
}
