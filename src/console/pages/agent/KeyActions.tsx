/** Revoking the agent's key (the agent rotates its own key; a revoked agent must enroll again). */
import { useMutation } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { useCan } from '../../auth/session';
import { ErrorView } from '../../ui/states';
import type { Agent } from '../agents/columns';

export function KeyActions({ agent }: { agent: Agent }) {
  const canAdmin = useCan('admin');
  const revoke = useMutation({
    mutationFn: () => data(api.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['agent', agent.id] }),
  });
  if (!canAdmin) return null;
  return (
    <div className="actions">
      <span className="muted small">key {agent.keyPrefix ?? '—'} (the agent rotates it itself)</span>
      <button type="button" className="danger" disabled={agent.status === 'revoked'} onClick={() => window.confirm('Revoke this agent key?') && revoke.mutate()}>
        Revoke key
      </button>
      {revoke.error && <ErrorView error={revoke.error} />}
    </div>
  );
}
