/**
 * Readiness as a metric: the same dependency checks as `/healthz/ready`, run when Prometheus scrapes, so
 * that dashboards and alerts see an instance that answers HTTP but cannot reach its database or NATS.
 */
import { Gauge, type Registry } from 'prom-client';
import { type Check, READINESS_TIMEOUT_MS, runChecks } from './readiness.ts';

export function registerReadinessMetrics(registry: Registry, checks: Record<string, Check>): void {
  new Gauge({
    name: 'readiness_check_ok',
    help: 'Readiness of each dependency (database, nats) checked at scrape time: 1 answering, 0 failing.',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const result = await runChecks(checks, READINESS_TIMEOUT_MS);
      for (const [check, r] of Object.entries(result.checks)) this.set({ check }, r.status === 'ok' ? 1 : 0);
    },
  });
}
