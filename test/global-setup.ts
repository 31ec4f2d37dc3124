/**
 * Builds the single-file server when its sources changed, and starts one throwaway Postgres cluster and one nats-server for the whole run and hands their URLs to the
 * tests. Missing binaries skip those suites locally, but under CI=true they fail the run: CI must never
 * pass by skipping Postgres or NATS.
 */
import type { TestProject } from 'vitest/node';
import { findPgBin, startPostgresCluster, type PostgresCluster } from './helpers/postgres.ts';
import { natsAvailable, startNats, type NatsServer } from './helpers/nats.ts';
import { buildServer } from '../scripts/build-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    natsUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  // The server's child-process tests run the single-file build, as production does: rebuild it when stale.
  await buildServer();
  let pg: PostgresCluster | undefined;
  let nats: NatsServer | undefined;
  if (findPgBin()) pg = await startPostgresCluster();
  else if (ci) throw new Error('CI: PostgreSQL binaries are missing; the Postgres suites must run');
  if (natsAvailable()) nats = await startNats();
  else if (ci) throw new Error('CI: nats-server is missing; the NATS suites must run');
  project.provide('pgUrl', pg?.url ?? null);
  project.provide('natsUrl', nats?.url ?? null);
  return async () => {
    await nats?.stop();
    pg?.stop();
  };
}
