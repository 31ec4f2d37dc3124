/** The system summary → contract shape. Unknown figures (NATS not answering) go out as null, never NaN. */
import type { SystemStats } from '../../domain/stats.ts';
import type { Schema } from './schemas.ts';

const known = (n: number): number | null => (Number.isFinite(n) ? n : null);

export function presentSystemStats(s: SystemStats): Schema<'AdminStats'> {
  const { instance } = s;
  const { stream } = instance;
  return {
    generatedAt: s.generatedAt.toISOString(),
    instance: { version: instance.version, uptimeSeconds: instance.uptimeSeconds, nats: instance.nats },
    agents: s.agents,
    tenants: s.tenants.map((t) => ({ tenantId: t.tenantId, name: t.name, agents: t.agents, eventsPublished: t.eventsPublished })),
    events: { published: s.eventsPublished, publishedByInstance: instance.eventsPublished },
    commands: { executions: s.executions },
    ingest: {
      queueDepth: known(instance.queueDepth),
      stream: stream ? { pending: known(stream.pending), ackPending: known(stream.ackPending), redelivered: known(stream.redelivered) } : null,
    },
    database: { dialect: s.dialect, poolMax: s.pool.max, poolInUse: s.pool.inUse, poolWaiting: s.pool.waiting },
    telemetry: { storage: s.telemetry.mode, rows: s.telemetry.rows, partitions: s.telemetry.partitions },
  };
}
