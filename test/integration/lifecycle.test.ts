/** Graceful shutdown drains in-flight requests; TLS from cert/key files. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const s = await startTestServer({
      handlerOverrides: { getHealth: (_i, res) => new Promise((r) => setTimeout(() => r(res.json(200, { status: 'ok' })), 400)) },
    });
    const inFlight = fetch(`${s.url}/healthz`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = s.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    await closing;
    await expect(fetch(`${s.url}/healthz/live`)).rejects.toThrow();
  });

  it('cuts off requests still running at the shutdown deadline', async () => {
    const s = await startTestServer({
      config: (c) => (c.server.shutdownTimeoutMs = 200),
      handlerOverrides: { getHealth: (_i, res) => new Promise((r) => setTimeout(() => r(res.json(200, { status: 'ok' })), 5000)) },
    });
    const stuck = fetch(`${s.url}/healthz`).then(
      (r) => r.status,
      () => 'closed',
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stuck).toBe('closed');
  });
});

describe('TLS', () => {
  it('serves HTTPS with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const s = await startTestServer({ config: (c) => Object.assign(c.server, { tlsCertFile: cert, tlsKeyFile: key }) });
    try {
      expect(s.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${s.url}/healthz`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (d) => (text += String(d)));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
    } finally {
      await s.close();
    }
  });
});
