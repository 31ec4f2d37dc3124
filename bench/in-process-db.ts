/**
 * For the in-process benches (results-write, results-list): the repositories over a fresh SQLite file in a
 * temp dir or a throwaway Postgres cluster, with one tenant to write under. `close` stops and removes both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { openRepositories } from '../src/repositories/index.ts';
import type { Repositories } from '../src/repositories/types.ts';
import { startPostgres } from './infra.ts';
import { stopAll } from './processes.ts';

export interface BenchDatabase {
  repos: Repositories;
  tenantId: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(db: string, name: string): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `agentry-${name}-`));
  const file = join(dir, 'bench.db');
  const url = db === 'postgres' ? await startPostgres() : `sqlite:${file}`;
  const repos = await openRepositories({ url, poolSize: 4, busyTimeoutMs: 5000 });
  const tenantId = uuidv7();
  if (db === 'postgres') {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`insert into tenants (id, name, created_at) values (${tenantId}, 'bench', now())`;
    await sql.end();
  } else {
    const side = new Database(file);
    side.prepare('insert into tenants (id, name, created_at) values (?, ?, ?)').run(tenantId, 'bench', Date.now());
    side.close();
  }
  return {
    repos,
    tenantId,
    close: async () => {
      await repos.close();
      await stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
