/** Tag `results`: an endpoint's results one by one, and reachability reports (JSON, or CSV when asked). */
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { textResponse } from '../http/response.ts';
import { listResults } from '../services/results/list.ts';
import { getResultsReport, reachabilityPct, reportCsv } from '../services/results/read.ts';
import { presentCheckResult } from './presenters/check-result.ts';
import type { HandlerDeps } from './deps.ts';
import type { TagHandlers } from './types.ts';

export function resultHandlers(_deps: HandlerDeps): TagHandlers<'results'> {
  return {
    listResults: async ({ query }, res, ctx) => {
      const page = await listResults({ ctx, input: query });
      return res.json(200, { items: page.items.map((r) => presentCheckResult(r, page.endpointId)), nextCursor: page.nextCursor });
    },
    getResultsReport: async ({ query }, res, ctx, c) => {
      const { format, ...input } = query;
      const report = await getResultsReport({ ctx, input });
      if (format === 'csv' || (format === undefined && prefersCsv(c))) return textResponse(c, 200, reportCsv(report), 'text/csv; charset=utf-8');
      return res.json(200, {
        endpointId: report.endpointId,
        agentId: report.agentId,
        from: report.from.toISOString(),
        to: report.to.toISOString(),
        aggregation: report.aggregation,
        buckets: report.buckets.map((b) => ({
          ts: b.ts.toISOString(),
          checks: b.checks,
          successes: b.successes,
          reachabilityPct: reachabilityPct(b),
          latencyAvgMs: b.latencyAvgMs,
          latencyP50Ms: b.latencyP50Ms,
          latencyP95Ms: b.latencyP95Ms,
          latencyMaxMs: b.latencyMaxMs,
        })),
      });
    },
  };
}

/**
 * `text/csv` named before (or without) `application/json` in Accept. Content negotiation reads Accept
 * itself: OpenAPI does not let an operation declare Accept as a header parameter.
 */
function prefersCsv(c: Context<AppEnv>): boolean {
  const accept = c.req.header('accept');
  if (!accept) return false;
  const csv = accept.indexOf('text/csv');
  if (csv < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || csv < json;
}
