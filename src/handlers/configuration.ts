/** Tag `configuration`: the agent's own read (ETag / 304 from memory) and the operator's view with provenance. */
import { getEffectiveConfiguration } from '../services/configuration/effective.ts';
import { readAgentConfiguration, type AgentConfigurationAnswer } from '../services/configuration/read.ts';
import type { HandlerDeps } from './deps.ts';
import type { Responder, TagHandlers } from './types.ts';

export function configurationHandlers({ configuration }: HandlerDeps): TagHandlers<'configuration'> {
  const respond = (res: Responder<'getAgentConfiguration'>, a: AgentConfigurationAnswer): Response =>
    a.kind === 'not-modified' ? res.empty(304, { etag: a.etag }) : res.json(200, a.document, { etag: a.etag });
  return {
    // Not async: a cached document answers without a promise.
    getAgentConfiguration: ({ headers }, res, ctx) => {
      const answer = readAgentConfiguration({ ctx, input: { ifNoneMatch: headers['if-none-match'] }, cache: configuration.documents });
      return answer instanceof Promise ? answer.then((a) => respond(res, a)) : respond(res, answer);
    },
    getEffectiveConfiguration: async ({ params }, res, ctx) => {
      return res.json(200, await getEffectiveConfiguration({ ctx, input: { agentId: params.agentId } }));
    },
  };
}
