/** Size of the telemetry store, read from the database's statistics when scraped (one cheap query, all tenants). */
import { Gauge, type Registry } from 'prom-client';
import type { TelemetryStorageStats } from '../domain/telemetry.ts';

/** Scrapes closer together than this share one read. */
const MIN_INTERVAL_MS = 5000;

export function registerStorageMetrics(registry: Registry, read: () => Promise<TelemetryStorageStats>): void {
  let last: { at: number; stats: Promise<TelemetryStorageStats | undefined> } | undefined;
  const stats = () => {
    if (!last || performance.now() - last.at >= MIN_INTERVAL_MS) {
      // A failed read shows as NaN (unknown), never as the last value.
      last = { at: performance.now(), stats: read().catch(() => undefined) };
    }
    return last.stats;
  };
  new Gauge({
    name: 'telemetry_rows',
    help: 'Telemetry samples stored, estimated (Postgres: live-tuple statistics of every partition; SQLite: span of row ids).',
    registers: [registry],
    async collect() {
      this.set((await stats())?.rows ?? Number.NaN);
    },
  });
  new Gauge({
    name: 'telemetry_partitions',
    help: 'Telemetry partitions: daily partitions with the default one, or TimescaleDB chunks; 0 for a single table (SQLite).',
    registers: [registry],
    async collect() {
      this.set((await stats())?.partitions ?? Number.NaN);
    },
  });
}
