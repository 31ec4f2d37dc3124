import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import type { Agent } from '../agents/columns';
import { QueryState } from '../../ui/states';
import { EffectiveConfig } from '../policies/EffectiveConfig';

/** The configuration the agent receives, with the policy that set each key. */
export function ConfigTab({ agent }: { agent: Agent }) {
  const effective = useQuery({
    queryKey: ['effective', agent.id],
    queryFn: () => data(api.GET('/api/v1/agents/{agentId}/effective-configuration', { params: { path: { agentId: agent.id } } })),
  });
  return <QueryState query={effective}>{(e) => <EffectiveConfig provenance={e.provenance} policies={e.policies} />}</QueryState>;
}
