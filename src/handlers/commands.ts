/** Tag `commands`: commands operators send to agents of their tenant, their executions and output. */
import { streamSSE } from 'hono/streaming';
import { cancelCommand } from '../services/commands/cancel.ts';
import { createCommand } from '../services/commands/create.ts';
import { previewCommandTargets } from '../services/commands/preview-targets.ts';
import { getCommand } from '../services/commands/get.ts';
import { followOutput } from '../services/commands/follow-output.ts';
import { getExecutionOutput } from '../services/commands/get-output.ts';
import { listCommands } from '../services/commands/list.ts';
import { listCommandExecutions } from '../services/commands/list-executions.ts';
import { afterResponse } from '../http/after-response.ts';
import type { HandlerDeps, SharedHandlerParts } from './deps.ts';
import { presentCommand, presentCreatedCommand, presentExecution, presentOutput, presentTargetPreview } from './presenters/command.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

/** How often an idle follower re-reads the output (see services/commands/follow-output.ts). */
const FOLLOW_RECHECK_MS = 250;
/** Idle rechecks between keep-alive comments (about 15 s). */
const HEARTBEAT_EVERY = 60;

export function commandHandlers({ shutdown }: HandlerDeps, { commandWakeups }: SharedHandlerParts): TagHandlers<'commands'> {
  return {
    listCommands: async ({ query }, res, ctx) => {
      return res.json(200, presentPage(await listCommands({ ctx, input: query }), presentCommand));
    },
    createCommand: async ({ body }, res, ctx, c) => {
      // rotate_key may omit its empty payload; the submit answers the targets' polls parked here itself.
      const { command, executions } = await createCommand({ ctx, input: { ...body, payload: body.payload ?? {} }, parked: commandWakeups, afterAnswer: (run) => afterResponse(c, run) });
      return res.json(201, presentCreatedCommand(command, executions), { location: `/api/v1/commands/${command.id}` });
    },
    previewCommandTargets: async ({ body, query }, res, ctx) => {
      return res.json(200, presentTargetPreview(await previewCommandTargets({ ctx, input: { ...body, limit: query.limit } })));
    },
    cancelCommand: async ({ params }, res, ctx) => {
      return res.json(200, presentCommand(await cancelCommand({ ctx, input: { id: params.commandId } })));
    },
    getCommand: async ({ params }, res, ctx) => {
      return res.json(200, presentCommand(await getCommand({ ctx, input: { id: params.commandId } })));
    },
    listCommandExecutions: async ({ params, query }, res, ctx) => {
      const page = await listCommandExecutions({ ctx, input: { ...query, commandId: params.commandId } });
      return res.json(200, presentPage(page, presentExecution));
    },
    getExecutionOutput: async ({ params, query, headers }, res, ctx, c) => {
      const input = { commandId: params.commandId, agentId: params.agentId, stream: query.stream ?? 'stdout', fromOffset: query.fromOffset ?? 0 };
      if (!query.follow) return res.json(200, presentOutput(await getExecutionOutput({ ctx, input })));
      // Last-Event-ID (digits only, says the contract) is the offset the client has read up to.
      const lastEventId = headers['last-event-id'];
      const follow = await followOutput({ ctx, input: { ...input, fromOffset: lastEventId !== undefined ? Number(lastEventId) : input.fromOffset, recheckMs: FOLLOW_RECHECK_MS } }); // 404 before the stream starts
      return streamSSE(c, async (stream) => {
        stream.onAbort(() => follow.cancel());
        try {
          await stream.write('retry: 2000\n\n');
          let idle = 0;
          while (!stream.aborted && !stream.closed && !shutdown.aborted) {
            const step = await follow.next();
            if (!step) {
              // A comment now and then keeps proxies from closing a quiet stream.
              if (++idle % HEARTBEAT_EVERY === 0) await stream.write(': heartbeat\n\n');
              continue;
            }
            const { output, ended } = step;
            if (ended) {
              await stream.writeSSE({
                event: 'end',
                data: JSON.stringify({ state: output.execution.state, nextOffset: output.nextOffset, outputBytes: output.execution.outputBytes, truncated: output.execution.truncated }),
              });
              break;
            }
            await stream.writeSSE({ id: String(output.nextOffset), event: 'output', data: JSON.stringify({ stream: output.stream, offset: output.fromOffset, data: output.data }) });
          }
        } catch (err) {
          if (!stream.aborted) ctx.log.warn({ err }, 'output stream ended with an error');
        }
      });
    },
  };
}
