import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import type { Agent } from '../agents/columns';
import { EndpointResults } from '../endpoints/EndpointResults';
import { ReportChart } from '../../ui/ReportChart';
import { Empty, QueryState } from '../../ui/states';

/** The agent's check results for one endpoint at a time: a reachability report, then the results one by one. */
export function ResultsTab({ agent }: { agent: Agent }) {
  const endpoints = useQuery({ queryKey: ['endpoints'], queryFn: () => data(api.GET('/api/v1/endpoints', { params: { query: { limit: 500 } } })) });
  const [chosen, setChosen] = useState('');
  return (
    <QueryState query={endpoints}>
      {(page) => {
        const endpointId = chosen || page.items[0]?.id || '';
        if (!endpointId) return <Empty>No endpoints are monitored.</Empty>;
        return (
          <section>
            <label>
              Endpoint
              <select value={endpointId} onChange={(e) => setChosen(e.target.value)}>
                {page.items.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} ({e.address})
                  </option>
                ))}
              </select>
            </label>
            <h2>Last 24 hours</h2>
            <ReportChart endpointId={endpointId} agentId={agent.id} />
            <EndpointResults key={endpointId} endpointId={endpointId} agentId={agent.id} />
          </section>
        );
      }}
    </QueryState>
  );
}
