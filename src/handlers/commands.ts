/** Tag `commands`: commands operators send to agents of their tenant, and their executions. */
import { cancelCommand } from '../services/commands/cancel.ts';
import { createCommand } from '../services/commands/create.ts';
import { getCommand } from '../services/commands/get.ts';
import { getExecutionOutput } from '../services/commands/get-output.ts';
import { listCommands } from '../services/commands/list.ts';
import { listCommandExecutions } from '../services/commands/list-executions.ts';
import type { HandlerDeps } from './deps.ts';
import { presentCommand, presentCreatedCommand, presentExecution, presentOutput } from './presenters/command.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function commandHandlers(_deps: HandlerDeps): TagHandlers<'commands'> {
  return {
    listCommands: async ({ query }, res, ctx) => {
      return res.json(200, presentPage(await listCommands({ ctx, input: query }), presentCommand));
    },
    createCommand: async ({ body }, res, ctx) => {
      const { command, executions } = await createCommand({ ctx, input: body });
      return res.json(201, presentCreatedCommand(command, executions), { location: `/api/v1/commands/${command.id}` });
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
    getExecutionOutput: async ({ params, query }, res, ctx) => {
      const input = { commandId: params.commandId, agentId: params.agentId, stream: query.stream ?? 'stdout', fromOffset: query.fromOffset ?? 0 };
      return res.json(200, presentOutput(await getExecutionOutput({ ctx, input })));
    },
  };
}
