import type { OutputAppend, OutputChunk } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import { ConflictError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import { executionUpdated } from './records.ts';

/**
 * The calling agent uploads output of its execution. Stored idempotently by (stream, offset); past
 * `maxOutputBytes` counted, not kept. An upload carrying more than `maxUploadBytes` is refused whole. The first output moves the execution to running (an event).
 */
export async function uploadCommandOutput({
  ctx,
  input,
  maxOutputBytes,
  maxUploadBytes,
}: {
  ctx: ServiceContext;
  input: { commandId: string; chunks: OutputChunk[] };
  maxOutputBytes: number;
  maxUploadBytes: number;
}): Promise<OutputAppend> {
  const { tenantId, agentId } = requireAgent(ctx);
  const uploadBytes = input.chunks.reduce((n, c) => n + Buffer.byteLength(c.data, 'utf8'), 0);
  if (uploadBytes > maxUploadBytes) throw new PayloadTooLargeError(`the chunks carry ${uploadBytes} bytes of output; one upload takes at most ${maxUploadBytes}`, { limitBytes: maxUploadBytes });
  const outcome = await ctx.repos.commands.appendOutput(
    tenantId,
    agentId,
    input.commandId,
    input.chunks,
    maxOutputBytes,
    ctx.now(),
    (before, after): WriteEffects => ({
      events: before.state !== after.state || before.truncated !== after.truncated ? [executionUpdated(ctx, after)] : [],
    }),
  );
  if (outcome.kind === 'not_found') throw new NotFoundError('execution of command', input.commandId);
  if (outcome.kind === 'state_conflict') throw new ConflictError(`the execution is ${outcome.current.state}; it takes no output`, { state: outcome.current.state });
  if (outcome.kind === 'output_conflict')
    throw new ConflictError(`the ${outcome.stream} chunk at offset ${outcome.offset} overlaps stored output with different bytes`, { stream: outcome.stream, offset: outcome.offset });
  return outcome.value;
}
