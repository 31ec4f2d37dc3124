/** Tag `admin`: operating the server. */
import { rateLimitReport } from '../http/rate-limit/report.ts';
import { getSystemStats } from '../services/admin/stats.ts';
import type { InstanceStats } from '../domain/stats.ts';
import type { HandlerDeps } from './deps.ts';
import { presentSystemStats } from './presenters/stats.ts';
import type { TagHandlers } from './types.ts';

export function adminHandlers({ config, rateLimiter, serverVersion, ingest, featureMetrics }: HandlerDeps): TagHandlers<'admin'> {
  const startedAt = performance.now();
  /** This instance's own figures: the same sources as its gauges. */
  const instance = async (): Promise<InstanceStats> => {
    const [queueDepth, stream, published] = await Promise.all([ingest.sink.depth(), ingest.sink.backlog?.() ?? null, featureMetrics.eventsPublished.get()]);
    return {
      version: serverVersion,
      uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
      nats: Boolean(config.nats.url),
      eventsPublished: published.values[0]?.value ?? 0,
      queueDepth,
      stream,
    };
  };
  return {
    getRateLimits: ({ query }, res) => res.json(200, rateLimitReport(config.rateLimits, rateLimiter, query.top ?? 10)),
    getAdminStats: async (_input, res, ctx) => res.json(200, presentSystemStats(await getSystemStats({ ctx, input: { instance } }))),
  };
}
