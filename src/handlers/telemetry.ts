/** Tag `telemetry`: a metric over time (downsampled) and the latest values of an agent. */
import { getLatestTelemetry } from '../services/telemetry/get-latest.ts';
import { getTelemetry } from '../services/telemetry/get-range.ts';
import type { HandlerDeps } from './deps.ts';
import { presentLatest, presentSeries } from './presenters/telemetry.ts';
import type { TagHandlers } from './types.ts';

export function telemetryHandlers({ config }: HandlerDeps): TagHandlers<'telemetry'> {
  return {
    getTelemetry: async ({ params, query }, res, ctx) => res.json(200, presentSeries(await getTelemetry({ ctx, input: { ...query, agentId: params.agentId }, serverMaxPoints: config.telemetry.maxPoints }))),
    getLatestTelemetry: async ({ params }, res, ctx) => res.json(200, presentLatest(params.agentId, await getLatestTelemetry({ ctx, input: { agentId: params.agentId } }))),
  };
}
