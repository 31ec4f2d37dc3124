/**
 * An execution's output as a stream (what `?follow=true` sends as Server-Sent Events): each piece of new
 * contiguous output of one stream as it is stored, then the end once the execution has finished and all
 * its stored output was returned. Uploads publish no event per chunk, so an idle follower re-reads the
 * output every `recheckMs` (one indexed query), which also sees uploads made on other instances.
 */
import { EXECUTION_STATES, type AssembledOutput, type ExecutionState, type OutputStream } from '../../domain/command.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

const ACTIVE: readonly ExecutionState[] = ['pending', 'delivered', 'running'];
/** States after which no more output is expected. */
export const FINAL_STATES: readonly ExecutionState[] = EXECUTION_STATES.filter((s) => !ACTIVE.includes(s));

export interface OutputFollowInput {
  commandId: string;
  agentId: string;
  stream: OutputStream;
  fromOffset: number;
  recheckMs: number;
}

export interface OutputFollow {
  /** New output (non-empty `data`), the end (`ended`), or null when nothing happened for `recheckMs`. */
  next(): Promise<{ output: AssembledOutput; ended: boolean } | null>;
  cancel(): void;
}

/** Checks the execution exists in the caller's tenant before the stream starts (404 as a response, not a broken stream). */
export async function followOutput({ ctx, input }: { ctx: ServiceContext; input: OutputFollowInput }): Promise<OutputFollow> {
  const { tenantId } = requirePrincipal(ctx);
  const read = (offset: number) => ctx.repos.commands.readOutput(tenantId, input.commandId, input.agentId, input.stream, offset);
  if (!(await read(input.fromOffset))) throw new NotFoundError('execution of command', input.commandId);
  let offset = input.fromOffset;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let cancelled = false;
  return {
    async next() {
      if (cancelled) return null;
      const output = await read(offset);
      if (!output) return null;
      if (output.data.length > 0) {
        offset = output.nextOffset;
        return { output, ended: false };
      }
      if (FINAL_STATES.includes(output.execution.state)) return { output, ended: true };
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, input.recheckMs);
      });
      return null;
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
