/** Telemetry series and latest values → contract shapes. */
import type { LatestSample } from '../../domain/telemetry.ts';
import type { TelemetrySeries } from '../../services/telemetry/get-range.ts';
import type { Schema } from './schemas.ts';

export function presentSeries(s: TelemetrySeries): Schema<'TelemetrySeries'> {
  return {
    agentId: s.agentId,
    metric: s.metric,
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    stepSeconds: s.stepSeconds,
    agg: s.agg,
    points: s.points.map((p) => ({ ts: p.ts.toISOString(), value: p.value, count: p.count })),
  };
}

export function presentLatest(agentId: string, items: LatestSample[]): Schema<'LatestTelemetry'> {
  return { agentId, items: items.map((s) => ({ metric: s.metric, labels: s.labels, value: s.value, ts: s.ts.toISOString() })) };
}
