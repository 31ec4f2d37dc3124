/**
 * Operators read a metric of an agent over a time range, in buckets (downsampled).
 * The range defaults to the last hour; without `step` the bucket width is chosen so that at most
 * `maxPoints` buckets cover the range (rounded up to a whole second).
 */
import type { PathOf, QueryOf } from '../../operation-types.ts';
import type { TelemetryAggregate, TelemetryPoint } from '../../domain/telemetry.ts';
import type { ServiceContext } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { getAgent } from '../agents/get.ts';

export type RangeInput = QueryOf<'getTelemetry'> & PathOf<'getTelemetry'>;

export interface TelemetrySeries {
  agentId: string;
  metric: string;
  from: Date;
  to: Date;
  stepSeconds: number;
  agg: TelemetryAggregate;
  points: TelemetryPoint[];
}

export async function getTelemetry({ ctx, input, serverMaxPoints }: { ctx: ServiceContext; input: RangeInput; serverMaxPoints: number }): Promise<TelemetrySeries> {
  const to = input.to ? new Date(input.to) : ctx.now();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 3_600_000);
  if (from.getTime() >= to.getTime()) throw new ValidationError('`from` must be before `to`', [{ path: 'query/from', message: 'not before `to`' }]);
  const span = to.getTime() - from.getTime();
  const maxPoints = Math.min(input.maxPoints ?? serverMaxPoints, serverMaxPoints);
  const stepSeconds = input.step ?? Math.max(1, Math.ceil(span / maxPoints / 1000));
  if (Math.ceil(span / (stepSeconds * 1000)) > serverMaxPoints) {
    throw new ValidationError(`step ${stepSeconds} s over this range needs more than ${serverMaxPoints} points; widen the step or narrow the range`, [
      { path: 'query/step', message: `at least ${Math.ceil(span / serverMaxPoints / 1000)} s for this range` },
    ]);
  }
  const { tenantId } = await getAgent({ ctx, input });
  const agg = input.agg ?? 'avg';
  const points = await ctx.repos.telemetry.range({ tenantId, agentId: input.agentId, metric: input.metric, from, to, stepMs: stepSeconds * 1000, agg });
  return { agentId: input.agentId, metric: input.metric, from, to, stepSeconds, agg, points };
}
