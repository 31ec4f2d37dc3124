import { useQuery } from '@tanstack/react-query';
import { api, ApiError, data } from '../../api/client';
import type { Agent } from '../agents/columns';
import { ErrorView, Loading } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { Json } from '../../ui/Json';

export function useInventory(agentId: string) {
  return useQuery({
    queryKey: ['agent', agentId, 'inventory'],
    queryFn: async () => {
      try {
        return await data(api.GET('/api/v1/agents/{agentId}/inventory', { params: { path: { agentId } } }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null; // no inventory reported yet
        throw err;
      }
    },
  });
}

/** Identity, status and hardware from the latest inventory. */
export function SummaryTab({ agent }: { agent: Agent }) {
  const inventory = useInventory(agent.id);
  const inv = inventory.data?.snapshot;
  const rows: [string, string][] = [
    ['Hostname', agent.hostname],
    ['Status', agent.status],
    ['OS', `${agent.os ?? ''} ${agent.arch ?? ''}`],
    ['Agent version', agent.agentVersion ?? '—'],
    ['IP addresses', (agent.ipAddresses ?? []).join(', ') || '—'],
    ['Tags', agent.tags.join(', ') || '—'],
    ['Key', agent.keyPrefix ?? '—'],
    ['Enrolled via', agent.enrolledVia ?? '—'],
    ['Created', formatTime(agent.createdAt)],
    ['Last seen', formatTime(agent.lastSeenAt)],
    ['Kernel', inv?.kernel ?? '—'],
    ['CPU', inv?.cpu ? `${inv.cpu.model ?? ''} (${inv.cpu.cores ?? '?'} cores)` : '—'],
    ['Memory', inv?.memory?.totalBytes ? `${(inv.memory.totalBytes / 2 ** 30).toFixed(1)} GiB` : '—'],
  ];
  return (
    <div className="grid2">
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <section>
        <h2>Hardware</h2>
        {inventory.error && <ErrorView error={inventory.error} />}
        {inventory.isPending ? <Loading /> : inv ? <Json value={{ disks: inv.disks, networkInterfaces: inv.networkInterfaces }} /> : <p className="empty">No inventory reported yet.</p>}
        <h2>Latest status report</h2>
        {agent.latestStatus ? <Json value={agent.latestStatus} /> : <p className="empty">None yet.</p>}
      </section>
    </div>
  );
}
