/** Shared set-up for repository contract suites: a fresh database per dialect, and row makers that insert. */
import { afterAll, beforeAll } from 'vitest';
import { openRepositories } from '../../src/repositories/index.ts';
import type { AgentRecord } from '../../src/domain/agent.ts';
import type { Repositories } from '../../src/repositories/types.ts';
import type { Tenant } from '../../src/domain/tenant.ts';
import { agentRow } from '../factories/agents.ts';
import { auditRow, tenantRow } from '../factories/tenants.ts';
import { freshDatabaseUrl, type Dialect } from './server.ts';

export interface RepositorySuite {
  readonly repos: Repositories;
  /** The database's URL (for tests that inspect it directly). */
  readonly url: string;
  tenant(): Promise<Tenant>;
  agent(tenantId: string, overrides?: Partial<AgentRecord>): Promise<AgentRecord>;
}

/** Call inside a `describe`: opens (and migrates) a fresh database before the tests, closes it after. */
export function useRepositories(dialect: Dialect): RepositorySuite {
  let repos: Repositories | undefined;
  let url: string | undefined;
  let cleanup = () => {};
  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect);
    url = db.url;
    cleanup = db.cleanup;
    repos = await openRepositories({ url: db.url, poolSize: 8, busyTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await repos?.close();
    cleanup();
  });
  const suite: RepositorySuite = {
    get repos() {
      if (!repos) throw new Error('repositories are opened in beforeAll');
      return repos;
    },
    get url() {
      if (!url) throw new Error('the database is created in beforeAll');
      return url;
    },
    async tenant() {
      const t = tenantRow();
      await suite.repos.tenants.create(t, { audit: auditRow(t.id) });
      return t;
    },
    async agent(tenantId, overrides = {}) {
      const a = agentRow(tenantId, overrides);
      await suite.repos.agents.insert(a, {});
      return a;
    },
  };
  return suite;
}
