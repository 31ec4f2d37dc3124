/** Graceful shutdown drains in-flight requests; TLS from cert/key files (a parked long poll too). */
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

/** A request over HTTPS to a server with a self-signed certificate: the status, the Connection header and the body. */
function httpsCall(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  return new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
    const headers = { ...init.headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) };
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
    });
    req.on('error', reject);
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

describe('TLS', () => {
  it('serves HTTPS with the configured certificate, parked long polls included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const s = await startTestServer({ config: (c) => Object.assign(c.server, { tlsCertFile: cert, tlsKeyFile: key }) });
    try {
      expect(s.url).toMatch(/^https:/);
      const health = await httpsCall(`${s.url}/healthz`);
      expect(JSON.parse(health.text)).toEqual({ status: 'ok' });

      // A poll that parks: its connection is taken over from Node's HTTPS server, and the answer still arrives.
      const secret = await httpsCall(`${s.url}/api/v1/enroll-secrets`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}` }, body: { name: 'tls' } });
      expect(secret.status).toBe(201);
      const enrolled = await httpsCall(`${s.url}/api/v1/agent/enroll`, {
        method: 'POST',
        body: { enrollSecret: JSON.parse(secret.text).secret, hostname: 'tls-host', os: 'linux', arch: 'x86_64', agentVersion: '1.0.0', capabilities: ['commands', 'run_command'] },
      });
      expect(enrolled.status).toBe(201);
      const { agentId, apiKey } = JSON.parse(enrolled.text) as { agentId: string; apiKey: string };
      const poll = await httpsCall(`${s.url}/api/v1/agent/${agentId}/commands?wait=1`, { headers: { 'x-agent-api-key': apiKey } });
      expect(poll.status).toBe(200);
      expect(poll.connection).toBe('close');
      expect(JSON.parse(poll.text)).toEqual({ commands: [], cancel: [] });
    } finally {
      await s.close();
    }
  });
});
