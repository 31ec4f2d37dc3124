/** Monitored endpoints, each with its current status per agent, a reachability/latency report and its results one by one. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { ReportChart } from '../../ui/ReportChart';
import { Empty, QueryState } from '../../ui/states';
import { EndpointResults } from './EndpointResults';
import { EndpointStatusTable } from './EndpointStatusTable';

export function EndpointsPage() {
  const endpoints = useQuery({ queryKey: ['endpoints'], queryFn: () => data(api.GET('/api/v1/endpoints', { params: { query: { limit: 500 } } })) });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <h1>Endpoints</h1>
      <QueryState query={endpoints}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No endpoints are monitored.</Empty>
          ) : (
            <ul className="endpoint-list">
              {page.items.map((e) => (
                <li key={e.id} className="card">
                  <button type="button" className="row-button" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                    <strong>{e.name}</strong> <code>{e.address}</code> · {e.checkType} · every {e.intervalSec} s {e.enabled ? '' : '(disabled)'}
                  </button>
                  {open === e.id && (
                    <>
                      <EndpointStatusTable endpointId={e.id} />
                      <ReportChart endpointId={e.id} />
                      <EndpointResults endpointId={e.id} />
                    </>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </>
  );
}
