/** Tag `telemetry`: a metric over time (downsampled) and the latest values of an agent. */
import { getLatestTelemetry, getTelemetry } from '../services/telemetry/read.ts';
import type { HandlerDeps } from './deps.ts';
import type { HandlerMap } from './types.ts';

type TelemetryHandlers = Pick<HandlerMap, 'getTelemetry' | 'getLatestTelemetry'>;

export function telemetryHandlers({ repos, config }: HandlerDeps): TelemetryHandlers {
  return {
    getTelemetry: async ({ params, query }, res, ctx) => {
      const s = await getTelemetry({ ctx, input: { ...query, agentId: params.agentId }, serverMaxPoints: config.telemetry.maxPoints });
      return res.json(200, {
        agentId: s.agentId,
        metric: s.metric,
        from: s.from.toISOString(),
        to: s.to.toISOString(),
        stepSeconds: s.stepSeconds,
        agg: s.agg,
        points: s.points.map((p) => ({ ts: p.ts.toISOString(), value: p.value, count: p.count })),
      });
    },
    getLatestTelemetry: async ({ params }, res, ctx) => {
      const items = await getLatestTelemetry({ ctx, input: { agentId: params.agentId } });
      return res.json(200, { agentId: params.agentId, items: items.map((s) => ({ metric: s.metric, labels: s.labels, value: s.value, ts: s.ts.toISOString() })) });
    },
  };
}
