/** Operators read an endpoint's current reachability per agent, and its reachability report over time. */
import { AGGREGATIONS, type Aggregation, type EndpointState, type ReportBucket } from '../../domain/check-result.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

const MAX_BUCKETS = 10_000;

/** The endpoint's id plus those of the agent-local endpoints linked to it: together they are its results. */
export async function resultEndpointIds(ctx: ServiceContext, tenantId: string, endpointId: string): Promise<string[]> {
  const endpoint = await ctx.repos.endpoints.findById(tenantId, endpointId);
  if (!endpoint) throw new NotFoundError('endpoint', endpointId);
  const linked = endpoint.origin === 'managed' ? await ctx.repos.endpoints.listLinkedTo(tenantId, endpoint.id) : [];
  return [endpoint.id, ...linked.map((e) => e.id)];
}

export async function getEndpointStatus({ ctx, input }: { ctx: ServiceContext; input: { endpointId: string } }): Promise<EndpointState[]> {
  const { tenantId } = requireOperator(ctx);
  const ids = await resultEndpointIds(ctx, tenantId, input.endpointId);
  return ctx.repos.results.states(tenantId, ids);
}

export interface ReportInput {
  endpointId: string;
  agentId?: string;
  from?: string;
  to?: string;
  aggregation?: Aggregation;
}

export interface Report {
  endpointId: string;
  agentId: string | null;
  from: Date;
  to: Date;
  aggregation: Aggregation;
  buckets: ReportBucket[];
}

export async function getResultsReport({ ctx, input }: { ctx: ServiceContext; input: ReportInput }): Promise<Report> {
  const { tenantId } = requireOperator(ctx);
  const aggregation = input.aggregation ?? '1h';
  const stepMs = AGGREGATIONS[aggregation];
  const to = input.to ? new Date(input.to) : ctx.now();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 86_400_000);
  if (from.getTime() >= to.getTime()) throw new ValidationError('from must be before to', [{ path: 'query/from', message: 'not before to' }]);
  if ((to.getTime() - from.getTime()) / stepMs > MAX_BUCKETS) {
    throw new ValidationError(`the range needs more than ${MAX_BUCKETS} buckets of ${aggregation}; use a coarser aggregation`, [{ path: 'query/aggregation', message: 'too fine for the range' }]);
  }
  const endpointId = input.endpointId;
  const endpointIds = await resultEndpointIds(ctx, tenantId, endpointId);
  const agentId = input.agentId;
  const buckets = await ctx.repos.results.report({ tenantId, endpointIds, agentId, from, to, stepMs });
  return { endpointId, agentId: agentId ?? null, from, to, aggregation, buckets };
}

const CSV_HEADER = 'bucket_start,checks,successes,reachability_pct,latency_avg_ms,latency_p50_ms,latency_p95_ms,latency_max_ms';

export const reachabilityPct = (b: ReportBucket): number => Math.round((b.successes / b.checks) * 100_000) / 1000;

/** The report as CSV: one line per bucket, empty fields where a latency is missing. */
export function reportCsv(report: Report): string {
  const cell = (v: number | null) => (v === null ? '' : String(v));
  const lines = report.buckets.map((b) => [b.ts.toISOString(), b.checks, b.successes, reachabilityPct(b), cell(b.latencyAvgMs), cell(b.latencyP50Ms), cell(b.latencyP95Ms), cell(b.latencyMaxMs)].join(','));
  return `${[CSV_HEADER, ...lines].join('\r\n')}\r\n`;
}
