/**
 * A configuration that cannot work on the machine (as in a container: read-only root filesystem, volume or
 * Secret not mounted, port taken) stops the start with the key named, and nothing is left running.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { startServer } from '../../src/server.ts';
import { generateSecret } from '../../src/services/secrets.ts';
import { mainTs } from '../helpers/cli.ts';
import { testConfig } from '../helpers/config.ts';
import { captureLogger } from '../helpers/logs.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(change: (c: Config) => void): Promise<string> {
  const config = testConfig();
  change(config);
  const err = await startServer(config, { logger: captureLogger().logger, adminToken: generateSecret('opk') }).then(
    async (s) => {
      await s.close();
      return new Error('the server started');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message;
}

function keyPair(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

describe('TLS files', () => {
  it('names the missing files', async () => {
    const message = await refusal((c) => Object.assign(c.server, { tlsCertFile: '/run/secrets/missing/tls.crt', tlsKeyFile: '/run/secrets/missing/tls.key' }));
    expect(message).toContain('server.tlsCertFile: cannot read /run/secrets/missing/tls.crt (does not exist)');
    expect(message).toContain('server.tlsKeyFile: cannot read /run/secrets/missing/tls.key (does not exist)');
  });

  it('wants the key with the certificate', async () => {
    const { cert } = keyPair('lonely');
    expect(await refusal((c) => (c.server.tlsCertFile = cert))).toContain('server.tlsKeyFile: required when server.tlsCertFile is set');
  });

  it('refuses a certificate with the key of another', async () => {
    const a = keyPair('a');
    const b = keyPair('b');
    expect(await refusal((c) => Object.assign(c.server, { tlsCertFile: a.cert, tlsKeyFile: b.key }))).toContain('server.tlsCertFile, server.tlsKeyFile: not a usable certificate and private key pair');
  });
});

describe('SQLite location', () => {
  it('refuses a database path under a file', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    expect(await refusal((c) => (c.database.url = `sqlite:${join(file, 'agentry.db')}`))).toMatch(/database\.url: .*plain-file is not a directory/);
  });

  it('refuses a read-only directory, from the CLI as a non-root user', async () => {
    // A read-only volume as a container's non-root user sees it. Root writes anywhere, so as root the
    // server is run as `nobody`.
    const parent = join(dir, 'volume');
    mkdirSync(join(parent, 'data'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(parent, 0o755);
    chmodSync(join(parent, 'data'), 0o555);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(process.execPath, [mainTs, 'serve'], {
      ...asNobody,
      cwd: parent,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', AGENTRY_DATABASE_URL: `sqlite:${join(parent, 'data', 'agentry.db')}`, AGENTRY_SERVER_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise((r) => child.once('exit', r));
    expect({ code, stderr }).toMatchObject({ code: 2 });
    expect(stderr).toContain(`database.url: directory ${join(parent, 'data')} is not writable (permission denied)`);
  }, 30_000);
});

describe('port', () => {
  it('names server.port when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      expect(await refusal((c) => (c.server.port = port))).toContain(`server.port: 127.0.0.1:${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
