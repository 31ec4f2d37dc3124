/** Tag `agents`: the fleet as operators manage it. */
import { etagOf } from '../services/concurrency.ts';
import { bulkAgents } from '../services/agents/bulk.ts';
import { claimAgent } from '../services/agents/claim.ts';
import { deleteAgent, getAgent, listAgents, listPendingAgents, updateAgent } from '../services/agents/fleet.ts';
import { revokeAgentKey } from '../services/agents/keys.ts';
import { toAgent } from '../repositories/shared/mappers.ts';
import type { HandlerDeps } from './deps.ts';
import { presentAgent, presentPage, presentPendingAgent } from './presenters.ts';
import type { HandlerMap } from './types.ts';

type FleetHandlers = Pick<HandlerMap, 'listAgents' | 'getAgent' | 'updateAgent' | 'deleteAgent' | 'listPendingAgents' | 'claimAgent' | 'revokeAgentKey' | 'bulkAgents'>;

export function fleetHandlers({ repos }: HandlerDeps): FleetHandlers {
  return {
    listAgents: async ({ query }, res, ctx) => res.json(200, presentPage(await listAgents({ ctx, input: query }), presentAgent)),
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
      return res.json(200, { agentId: agent.id, status: 'claimed', agent: presentAgent(toAgent(agent)) });
    },
    revokeAgentKey: async ({ params }, res, ctx) => {
      await revokeAgentKey({ ctx, input: { agentId: params.agentId } });
      return res.empty(204);
    },
    bulkAgents: async ({ body }, res, ctx) => res.json(200, await bulkAgents({ ctx, input: body })),
  };
}
