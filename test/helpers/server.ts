/**
 * A real listening server (startServer) on a loopback port, on SQLite (temp file) or on a fresh database of
 * the run's Postgres cluster. `client` is the generated typed client; every response it receives is
 * checked against the contract.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createAgentryClient } from '../../generated/client.ts';
import type { Config } from '../../src/config/types.ts';
import { startServer, type StartOptions } from '../../src/server.ts';
import { generateSecret } from '../../src/services/secrets.ts';
import { assertResponseMatchesContract } from './contract.ts';
import { testConfig } from './config.ts';
import { captureLogger } from './logs.ts';
import { createDatabase } from './postgres.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The dialects this run can test: Postgres only when the cluster is up (global setup fails CI otherwise). */
export function dialects(): Dialect[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh empty database URL for the dialect. */
export async function freshDatabaseUrl(dialect: Dialect): Promise<{ url: string; cleanup: () => void }> {
  if (dialect === 'postgres') {
    const pgUrl = inject('pgUrl');
    if (!pgUrl) throw new Error('no Postgres cluster in this run');
    return { url: await createDatabase(pgUrl), cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'agentry-sqlite-'));
  return { url: `sqlite:${join(dir, 'agentry.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServerOptions {
  dialect?: Dialect;
  databaseUrl?: string;
  config?: (config: Config) => void;
  handlerOverrides?: StartOptions['handlerOverrides'];
  adminToken?: string;
}

export async function startTestServer(options: TestServerOptions = {}) {
  const dialect = options.dialect ?? 'sqlite';
  const db = options.databaseUrl ? { url: options.databaseUrl, cleanup: () => {} } : await freshDatabaseUrl(dialect);
  const config = testConfig({ database: { url: db.url } as Config['database'] });
  // One ingestion stream per database: servers of different test files share the NATS server, and a stream
  // shared across databases would let one file's server write another's samples.
  config.ingest.streamName = `TEST_${createHash('sha256').update(db.url).digest('hex').slice(0, 16)}`;
  // JetStream reserves each stream's byte bound on the shared NATS server's disk: many test streams at the
  // production default would exhaust it.
  config.ingest.streamMaxBytes = 32 * 1024 * 1024;
  options.config?.(config);
  const logs = captureLogger();
  const adminToken = options.adminToken ?? generateSecret('opk');
  const server = await startServer(config, { logger: logs.logger, adminToken, handlerOverrides: options.handlerOverrides });
  const validatingFetch = async (input: Request) => {
    const res = await fetch(input);
    await assertResponseMatchesContract(input.method, input.url, res);
    return res;
  };
  const clientFor = (token?: string) => createAgentryClient({ baseUrl: server.url, fetch: validatingFetch, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    ...server,
    config,
    logs,
    adminToken,
    databaseUrl: db.url,
    /** Typed client authenticated as the bootstrap admin. */
    client: clientFor(adminToken),
    clientFor,
    /** Plain fetch against the server, response checked against the contract. */
    fetch: async (path: string, init: RequestInit = {}) => {
      const res = await fetch(server.url + path, init);
      await assertResponseMatchesContract(init.method ?? 'GET', path, res);
      return res;
    },
    close: async () => {
      await server.close();
      db.cleanup();
    },
  };
}
