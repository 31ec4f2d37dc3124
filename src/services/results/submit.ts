/**
 * An agent submits a Smotra result batch. Items are checked one by one: malformed ones, results of another
 * agent and results stamped outside the accepted time window are skipped, counted and logged; the rest go
 * through the ingestion pipeline and the answer waits until they are durable. Results already stored (by
 * id) or repeated within the batch count as duplicates. Endpoint ids the tenant does not know are kept:
 * the write turns them into agent-local endpoints.
 */
import type { CheckResultRow } from '../../domain/check-result.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import type { IngestLimits } from '../ingest/prepare.ts';
import type { IngestSink } from '../ingest/sink.ts';
import { newId } from '../ids.ts';
import { parseResult, type UuidMemo } from './parse.ts';

export interface SkippedCounts {
  malformed: number;
  agent_mismatch: number;
  too_old: number;
  in_future: number;
}

export interface ResultsAck {
  submissionId: string;
  accepted: number;
  duplicatesSkipped: number;
  receivedAt: Date;
  skipped: SkippedCounts;
}

export async function submitResults({ ctx, input, sink, limits }: { ctx: ServiceContext; input: { results: readonly unknown[] }; sink: IngestSink; limits: IngestLimits }): Promise<ResultsAck> {
  const agent = requireAgent(ctx);
  const now = ctx.now();
  const submissionId = newId();
  const oldest = now.getTime() - limits.maxSampleAgeSec * 1000;
  const newest = now.getTime() + limits.maxFutureSkewSec * 1000;
  const skipped: SkippedCounts = { malformed: 0, agent_mismatch: 0, too_old: 0, in_future: 0 };
  const rows = new Map<string, CheckResultRow>();
  // Why items were skipped, logged once per batch (the first few): a bad batch is re-sent every minute.
  const reasons: { index: number; reason: string }[] = [];
  const skip = (kind: keyof SkippedCounts, index: number, reason: string) => {
    skipped[kind]++;
    if (reasons.length < 10) reasons.push({ index, reason });
  };
  let repeated = 0;
  const memo: UuidMemo = new Map();
  const { results } = input;
  for (let index = 0; index < results.length; index++) {
    const parsed = parseResult(results[index], memo);
    if ('malformed' in parsed) {
      skip('malformed', index, `malformed: ${parsed.malformed}`);
      continue;
    }
    if (parsed.agentId !== agent.agentId) {
      skip('agent_mismatch', index, `agent_id ${parsed.agentId} is not this agent`);
      continue;
    }
    if (parsed.ts < oldest) {
      skip('too_old', index, `timestamp older than ${limits.maxSampleAgeSec} s`);
      continue;
    }
    if (parsed.ts > newest) {
      skip('in_future', index, `timestamp more than ${limits.maxFutureSkewSec} s ahead`);
      continue;
    }
    if (rows.has(parsed.id)) {
      repeated++;
      continue;
    }
    rows.set(parsed.id, {
      id: parsed.id,
      tenantId: agent.tenantId,
      agentId: parsed.agentId,
      endpointId: parsed.endpointId,
      checkType: parsed.checkType,
      ts: new Date(parsed.ts),
      reachable: parsed.reachable,
      latencyMs: parsed.latencyMs,
      result: parsed.result,
      receivedAt: now,
    });
  }
  if (reasons.length > 0) ctx.log.warn({ submissionId, agentId: agent.agentId, skipped, first: reasons }, 'results skipped');
  // The batcher answers once the write is done and says how many results it stored: the rest were stored
  // before (or by another request of the same batch). JetStream acknowledges before the write, so there the
  // stored results are looked up first (by id only those not newer than their endpoint's state); a result in
  // flight in another request at that moment counts as accepted by both, and is stored once.
  let candidates = [...rows.values()];
  if (!sink.reportsStoredResults && candidates.length > 0) {
    const stored = await ctx.repos.results.storedAmong(agent.tenantId, agent.agentId, candidates);
    candidates = candidates.filter((r) => !stored.has(r.id));
  }
  const receipt = candidates.length > 0 ? await sink.submit({ tenantId: agent.tenantId, agentId: agent.agentId, receivedAt: now, samples: [], inventory: null, results: candidates }) : null;
  const accepted = receipt?.resultsStored ?? candidates.length;
  const ack = { submissionId, accepted, duplicatesSkipped: rows.size - accepted + repeated, receivedAt: now, skipped };
  ctx.log.debug({ ...ack, agentId: agent.agentId }, 'results accepted');
  return ack;
}
