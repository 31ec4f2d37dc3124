/** One agent (Fleet's host page, Tactical RMM's tabs): header with key actions, then one tab per concern. */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearch } from '@tanstack/react-router';
import { api, data } from '../../api/client';
import { QueryState } from '../../ui/states';
import { formatAgo } from '../../ui/time';
import { AuditTab } from './AuditTab';
import { ChangesTab } from './ChangesTab';
import { CommandsTab } from './CommandsTab';
import { ConfigTab } from './ConfigTab';
import { KeyActions } from './KeyActions';
import { ResultsTab } from './ResultsTab';
import { SoftwareTab } from './SoftwareTab';
import { SummaryTab } from './SummaryTab';
import { TelemetryTab } from './TelemetryTab';

const TABS = {
  summary: ['Summary', SummaryTab],
  software: ['Software', SoftwareTab],
  changes: ['Inventory history', ChangesTab],
  telemetry: ['Telemetry', TelemetryTab],
  results: ['Check results', ResultsTab],
  commands: ['Commands', CommandsTab],
  config: ['Configuration', ConfigTab],
  audit: ['Audit', AuditTab],
} as const;
type TabId = keyof typeof TABS;

export function AgentPage() {
  const { agentId } = useParams({ from: '/agents/$agentId' });
  const { tab } = useSearch({ from: '/agents/$agentId' });
  const current: TabId = tab !== undefined && tab in TABS ? (tab as TabId) : 'summary';
  const agent = useQuery({ queryKey: ['agent', agentId], queryFn: () => data(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } })) });
  const Tab = TABS[current][1];
  return (
    <QueryState query={agent} what="Loading agent">
      {(a) => (
        <>
          <div className="page-head">
            <h1>{a.name ?? a.hostname}</h1>
            <span className={`dot ${a.online ? 'on' : 'off'}`}>{a.online ? 'online' : `offline, last seen ${formatAgo(a.lastSeenAt)}`}</span>
            <KeyActions agent={a} />
          </div>
          <nav className="tabs" aria-label="Agent views">
            {(Object.keys(TABS) as TabId[]).map((id) => (
              <Link key={id} to="/agents/$agentId" params={{ agentId }} search={{ tab: id }} aria-current={id === current ? 'page' : undefined} className={id === current ? 'active' : ''}>
                {TABS[id][0]}
              </Link>
            ))}
          </nav>
          <Tab agent={a} />
        </>
      )}
    </QueryState>
  );
}
