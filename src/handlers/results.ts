/** Smotra result batches (tag `agent`), endpoint status (tag `endpoints`) and reachability reports (tag `results`). */
import type { EndpointState } from '../domain/check-result.ts';
import { textResponse } from '../http/response.ts';
import { getEndpointStatus, getResultsReport, reachabilityPct, reportCsv } from '../services/results/read.ts';
import { submitResults } from '../services/results/submit.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import type { HandlerMap } from './types.ts';

type ResultHandlers = Pick<HandlerMap, 'submitResults' | 'getEndpointStatus' | 'getResultsReport'>;

export function resultHandlers({ repos, config, ingest }: HandlerDeps): ResultHandlers {
  return {
    submitResults: async (c, { body }, res) => {
      const ack = await submitResults({ ctx: serviceContext(c, repos), input: body, sink: ingest.sink, limits: config.ingest });
      return res.json(202, {
        submission_id: ack.submissionId,
        accepted: ack.accepted,
        duplicates_skipped: ack.duplicatesSkipped,
        received_at: ack.receivedAt.toISOString(),
        skipped: ack.skipped,
      });
    },
    getEndpointStatus: async (c, { params }, res) => {
      const states = await getEndpointStatus({ ctx: serviceContext(c, repos), input: { endpointId: params.endpointId } });
      return res.json(200, { endpointId: params.endpointId.toLowerCase(), agents: states.map(presentState) });
    },
    getResultsReport: async (c, { query }, res) => {
      const { format, ...input } = query;
      const report = await getResultsReport({ ctx: serviceContext(c, repos), input });
      if (format === 'csv' || (format === undefined && prefersCsv(c.req.header('accept')))) return textResponse(c, 200, reportCsv(report), 'text/csv; charset=utf-8');
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

/** `text/csv` named before (or without) `application/json` in Accept. */
function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const csv = accept.indexOf('text/csv');
  if (csv < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || csv < json;
}

function presentState(s: EndpointState) {
  return {
    agentId: s.agentId,
    reportedEndpointId: s.endpointId,
    reachable: s.reachable,
    latencyMs: s.latencyMs,
    lastCheckType: s.checkType,
    lastResultId: s.resultId,
    lastCheckedAt: s.checkedAt.toISOString(),
    changedAt: s.changedAt.toISOString(),
  };
}
