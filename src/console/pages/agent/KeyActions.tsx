/**
 * The agent's key: rotation is asked of the agent as a `rotate_key` command (it rotates and saves its own
 * key, so the new key never reaches the console); revocation is immediate and the agent must enroll again.
 */
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { useCan } from '../../auth/session';
import { ErrorView } from '../../ui/states';
import type { Agent } from '../agents/columns';

export function KeyActions({ agent }: { agent: Agent }) {
  const canOperate = useCan('operator');
  const canAdmin = useCan('admin');
  const rotate = useMutation({
    mutationFn: () => data(api.POST('/api/v1/commands', { body: { type: 'rotate_key', targets: { agentIds: [agent.id] }, ttlSec: 3600 } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['commands', agent.id] }),
  });
  const revoke = useMutation({
    mutationFn: () => data(api.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId: agent.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['agent', agent.id] }),
  });
  if (!canOperate) return null;
  const revoked = agent.status === 'revoked';
  const rotation = rotate.data;
  return (
    <div className="actions">
      <span className="muted small">key {agent.keyPrefix ?? '—'}</span>
      <button type="button" disabled={revoked || rotate.isPending} onClick={() => window.confirm('Ask this agent to rotate its key? It saves the new key itself.') && rotate.mutate()}>
        Rotate key
      </button>
      {canAdmin && (
        <button type="button" className="danger" disabled={revoked} onClick={() => window.confirm('Revoke this agent key?') && revoke.mutate()}>
          Revoke key
        </button>
      )}
      {rotation && (
        <span className="small" role="status">
          {rotation.command.counts.skipped > 0 ? 'Skipped: this agent does not declare the rotate_key capability. ' : 'Rotation requested. '}
          <Link to="/commands/$commandId" params={{ commandId: rotation.command.id }}>
            View the command
          </Link>
        </span>
      )}
      {rotate.error && <ErrorView error={rotate.error} />}
      {revoke.error && <ErrorView error={revoke.error} />}
    </div>
  );
}
