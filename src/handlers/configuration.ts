/** Tag `configuration`: the agent's own read (ETag / 304 from memory) and the operator's view with provenance. */
import { requestHeader } from '../http/headers.ts';
import { getEffectiveConfiguration } from '../services/configuration/effective.ts';
import { readAgentConfiguration, type AgentConfigurationAnswer } from '../services/configuration/read.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import type { HandlerMap, Responder } from './types.ts';

export function configurationHandlers({ repos, configuration }: HandlerDeps): Pick<HandlerMap, 'getAgentConfiguration' | 'getEffectiveConfiguration'> {
  const respond = (res: Responder<'getAgentConfiguration'>, a: AgentConfigurationAnswer): Response =>
    a.kind === 'not-modified' ? res.empty(304, { etag: a.etag }) : res.json(200, a.document, { etag: a.etag });
  return {
    // Not async: a cached document answers without a promise.
    getAgentConfiguration: (c, _input, res) => {
      const answer = readAgentConfiguration({ ctx: serviceContext(c, repos), input: { ifNoneMatch: requestHeader(c, 'if-none-match') }, cache: configuration.documents });
      return answer instanceof Promise ? answer.then((a) => respond(res, a)) : respond(res, answer);
    },
    getEffectiveConfiguration: async (c, { params }, res) => {
      return res.json(200, await getEffectiveConfiguration({ ctx: serviceContext(c, repos), input: { agentId: params.agentId } }));
    },
  };
}
