/** An agent submits inventory and/or samples: checked, handed to the pipeline, answered once durable. */
import { requireAgent, type ServiceContext } from '../context.ts';
import { prepareSubmission, type IngestLimits, type RejectedSample, type SubmissionInput } from './prepare.ts';
import type { IngestSink } from './sink.ts';

export interface SubmitResult {
  accepted: number;
  rejected: RejectedSample[];
  snapshot: 'accepted' | 'none';
}

export async function submitInventory({ ctx, input, sink, limits }: { ctx: ServiceContext; input: SubmissionInput; sink: IngestSink; limits: IngestLimits }): Promise<SubmitResult> {
  const agent = requireAgent(ctx);
  const { item, rejected } = prepareSubmission(agent, input, limits, ctx.now());
  if (item.samples.length > 0 || item.inventory) await sink.submit(item);
  return { accepted: item.samples.length, rejected, snapshot: item.inventory ? 'accepted' : 'none' };
}
