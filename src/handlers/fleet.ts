/** Tag `agents`: the fleet as operators manage it. */
import { etagOf } from '../services/concurrency.ts';
import { bulkAgents } from '../services/agents/bulk.ts';
import { claimAgent } from '../services/agents/claim.ts';
import { deleteAgent } from '../services/agents/delete.ts';
import { getAgent } from '../services/agents/get.ts';
import { listAgents } from '../services/agents/list.ts';
import { listPendingAgents } from '../services/agents/list-pending.ts';
import { revokeAgentKey } from '../services/agents/revoke-key.ts';
import { updateAgent } from '../services/agents/update.ts';
import type { HandlerDeps } from './deps.ts';
import { presentAgent, presentPendingAgent } from './presenters/agent.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function fleetHandlers(_deps: HandlerDeps): TagHandlers<'agents'> {
  return {
    listAgents: async ({ query }, res, ctx) => {
      const page = await listAgents({ ctx, input: query });
      return res.json(200, { items: page.items.map(presentAgent), nextCursor: page.nextCursor });
    },
    getAgent: async ({ params }, res, ctx) => {
      const agent = await getAgent({ ctx, input: { agentId: params.agentId } });
      return res.json(200, presentAgent(agent), { etag: etagOf(agent.version) });
    },
    updateAgent: async ({ params, headers, body }, res, ctx) => {
      const { version, ...changes } = body;
      const agent = await updateAgent({ ctx, input: { agentId: params.agentId, changes, version, ifMatch: headers['if-match'] } });
      return res.json(200, presentAgent(agent), { etag: etagOf(agent.version) });
    },
    deleteAgent: async ({ params }, res, ctx) => {
      await deleteAgent({ ctx, input: { agentId: params.agentId } });
      return res.empty(204);
    },
    listPendingAgents: async ({ query }, res, ctx) => res.json(200, presentPage(await listPendingAgents({ ctx, input: query }), presentPendingAgent)),
    claimAgent: async ({ body }, res, ctx) => {
      const agent = await claimAgent({ ctx, input: body });
      return res.json(200, { agentId: agent.id, status: 'claimed', agent: presentAgent(agent) });
    },
    revokeAgentKey: async ({ params }, res, ctx) => {
      await revokeAgentKey({ ctx, input: { agentId: params.agentId } });
      return res.empty(204);
    },
    bulkAgents: async ({ body }, res, ctx) => res.json(200, await bulkAgents({ ctx, input: body })),
  };
}
