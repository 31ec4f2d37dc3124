/** Tag `agents`: the fleet as operators manage it. */
import { etagOf } from '../services/concurrency.ts';
import { bulkAgents } from '../services/agents/bulk.ts';
import { claimAgent } from '../services/agents/claim.ts';
import { deleteAgent, getAgent, listAgents, listPendingAgents, updateAgent } from '../services/agents/fleet.ts';
import { revokeAgentKey } from '../services/agents/keys.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import { presentAgent, presentPage, presentPendingAgent } from './presenters.ts';
import type { HandlerMap } from './types.ts';

type FleetHandlers = Pick<HandlerMap, 'listAgents' | 'getAgent' | 'updateAgent' | 'deleteAgent' | 'listPendingAgents' | 'claimAgent' | 'revokeAgentKey' | 'bulkAgents'>;

export function fleetHandlers({ repos }: HandlerDeps): FleetHandlers {
  return {
    listAgents: async (c, { query }, res) => res.json(200, presentPage(await listAgents({ ctx: serviceContext(c, repos), input: query }), presentAgent)),
    getAgent: async (c, { params }, res) => {
      const agent = await getAgent({ ctx: serviceContext(c, repos), input: { agentId: params.agentId } });
      return res.json(200, presentAgent(agent), { etag: etagOf(agent.version) });
    },
    updateAgent: async (c, { params, body }, res) => {
      const { version, ...changes } = body;
      const agent = await updateAgent({ ctx: serviceContext(c, repos), input: { agentId: params.agentId, changes, version, ifMatch: c.req.header('if-match') } });
      return res.json(200, presentAgent(agent), { etag: etagOf(agent.version) });
    },
    deleteAgent: async (c, { params }, res) => {
      await deleteAgent({ ctx: serviceContext(c, repos), input: { agentId: params.agentId } });
      return res.empty(204);
    },
    listPendingAgents: async (c, { query }, res) => res.json(200, presentPage(await listPendingAgents({ ctx: serviceContext(c, repos), input: query }), presentPendingAgent)),
    claimAgent: async (c, { body }, res) => {
      const agent = await claimAgent({ ctx: serviceContext(c, repos), input: body });
      return res.json(200, { agentId: agent.id, status: 'claimed', agent: presentAgent(agent) });
    },
    revokeAgentKey: async (c, { params }, res) => {
      await revokeAgentKey({ ctx: serviceContext(c, repos), input: { agentId: params.agentId } });
      return res.empty(204);
    },
    bulkAgents: async (c, { body }, res) => res.json(200, await bulkAgents({ ctx: serviceContext(c, repos), input: body })),
  };
}
